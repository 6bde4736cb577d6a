"""lifetimes 0.11.3's side of `segflow-bench models`.

Reads the BTYD summary CSV segflow-bench exported (frequency,recency,T,monetary_value; days), then,
timed: BetaGeoFitter.fit, GammaGammaFitter.fit on the repeat buyers with a positive mean spend, and
for every customer conditional_probability_alive, conditional_expected_number_of_purchases_up_to_time
for 30/90/365 days, conditional_expected_average_profit and customer_lifetime_value (12 months of 30
days, the monthly discount rate given). Prints one JSON object: parameters, seconds, column sums and
the first rows' predictions for segflow-bench to compare.
"""
import json
import sys
import time
import warnings

warnings.simplefilter("ignore")
import pandas as pd  # noqa: E402
from lifetimes import BetaGeoFitter, GammaGammaFitter  # noqa: E402

path, monthly_rate, head = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
data = pd.read_csv(path)
started = time.perf_counter()
bgf = BetaGeoFitter().fit(data["frequency"], data["recency"], data["T"])
fitted_purchases = time.perf_counter()
repeat = data[(data["frequency"] > 0) & (data["monetary_value"] > 0)]
ggf = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
fitted = time.perf_counter()
alive = bgf.conditional_probability_alive(data["frequency"], data["recency"], data["T"])
expected = {h: bgf.conditional_expected_number_of_purchases_up_to_time(h, data["frequency"], data["recency"], data["T"])
            for h in (30, 90, 365)}
aov = ggf.conditional_expected_average_profit(data["frequency"], data["monetary_value"])
clv = ggf.customer_lifetime_value(bgf, data["frequency"], data["recency"], data["T"], data["monetary_value"],
                                  time=12, discount_rate=monthly_rate, freq="D")
finished = time.perf_counter()
# Outside the Gamma-Gamma model (a repeat buyer whose mean spend is not positive) segflow has no value.
outside = (data["frequency"] > 0) & (data["monetary_value"] <= 0)
aov = aov.mask(outside)
clv = clv.mask(outside)
columns = {"p_alive": pd.Series(alive), "expected_30": expected[30], "expected_90": expected[90],
           "expected_365": expected[365], "aov": aov, "clv": clv}
print(json.dumps({
    "bgnbd": bgf.params_.tolist(), "gamma_gamma": ggf.params_.tolist(),
    "seconds": {"fit_purchases": fitted_purchases - started, "fit_spend": fitted - fitted_purchases,
                "predict": finished - fitted, "total": finished - started},
    "sums": {name: float(pd.Series(values).sum()) for name, values in columns.items()},
    "head": {name: [float(v) for v in pd.Series(values).iloc[:head]] for name, values in columns.items()},
}))
