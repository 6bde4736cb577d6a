#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-customer predictions from a fitted purchase model and (optionally) a Gamma-Gamma spend model,
/// one array per prediction, in the order of the customers given to `CompressedHistories`. Each
/// purchase-model quantity is computed once per distinct triplet and spread to its customers.
/// nil means "no prediction": invalid history, a series that did not converge, or outside the spend
/// model's domain. Exact definitions in docs/models.md.
public struct CustomerPredictions: Sendable {
    /// The horizons of `expectedPurchases`, in the model's time unit.
    public let horizons: [Double]
    public let probabilityAlive: [Double?]
    /// 1 − probabilityAlive.
    public let churnRisk: [Double?]
    /// expectedPurchases[h][customer]: E[purchases in (T, T + horizons[h]] | x, tₓ, T].
    public let expectedPurchases: [[Double?]]
    /// Median time from T to the next purchase given alive, in the model's time unit.
    public let medianTimeToNextPurchase: [Double?]
    /// Gamma-Gamma E[mean order value | x, m]; nil without a spend model.
    public let expectedAverageOrderValue: [Double?]
    /// margin · E[AOV] · Σᵢ (E[N(i·P)] − E[N((i−1)·P)]) / (1 + d)^i, i = 1 … periods; nil without a
    /// spend model.
    public let lifetimeValue: [Double?]

    public init<Model: PurchaseModel>(
        model: Model, histories: CompressedHistories, monetaryValues: [Double], spend: GammaGammaModel?,
        horizons: [Double], value: ValueSettings
    ) {
        precondition(monetaryValues.count == histories.tripletOfCustomer.count, "one monetary value per customer")
        self.horizons = horizons
        let perTriplet = TripletPredictions(model: model, histories: histories, horizons: horizons,
                                            value: spend == nil ? nil : value)
        let tripletOfCustomer = histories.tripletOfCustomer
        func spread(_ values: [Double]) -> [Double?] {
            Chunks.fill(tripletOfCustomer.count) { customers, out in
                for customer in customers {
                    let triplet = Int(tripletOfCustomer[customer])
                    out[customer] = triplet >= 0 && !values[triplet].isNaN ? values[triplet] : nil
                }
            }
        }
        probabilityAlive = spread(perTriplet.probabilityAlive)
        churnRisk = spread(perTriplet.probabilityAlive.map { 1 - $0 })
        expectedPurchases = perTriplet.expectedPurchases.map(spread)
        medianTimeToNextPurchase = spread(perTriplet.medianWait)
        guard let spend else {
            expectedAverageOrderValue = Array(repeating: nil, count: monetaryValues.count)
            lifetimeValue = Array(repeating: nil, count: monetaryValues.count)
            return
        }
        let discountedPurchases = perTriplet.discountedPurchases
        let triplets = histories.triplets
        let averageValues: [Double?] = Chunks.fill(tripletOfCustomer.count) { customers, out in
            for customer in customers {
                let triplet = Int(tripletOfCustomer[customer])
                out[customer] = triplet < 0 ? nil
                    : spend.conditionalExpectedAverageValue(frequency: triplets[triplet].frequency, monetaryValue: monetaryValues[customer])
            }
        }
        let lifetimeValues: [Double?] = Chunks.fill(tripletOfCustomer.count) { customers, out in
            for customer in customers {
                let triplet = Int(tripletOfCustomer[customer])
                if triplet >= 0, let average = averageValues[customer], !discountedPurchases[triplet].isNaN {
                    out[customer] = value.margin * average * discountedPurchases[triplet]
                } else {
                    out[customer] = nil
                }
            }
        }
        expectedAverageOrderValue = averageValues
        lifetimeValue = lifetimeValues
    }
}
