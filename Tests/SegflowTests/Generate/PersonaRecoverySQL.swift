/// A plain-SQL approximation of the persona-relevant features (UTC days, as of the end day,
/// clean data only) and the rules of `docs/source-schema.md`, scored against the ground truth.
/// It checks that the generator plants signals crisp enough for segment rules; the real
/// features come from the pipeline.
enum PersonaRecoverySQL {
    static let features = """
        create temp table f as
        with params as (select end_day as d, (end_day + 1)::timestamp at time zone 'UTC' as t from shop_truth.generation),
        purchases as (
          select o.customer_id, o.order_id, o.placed_at, (o.placed_at at time zone 'UTC')::date as day,
                 round((o.subtotal - o.discount_total) * r.rate_to_base, 2) as net, o.discount_total, o.coupon_code
          from shop.orders o join shop.fx_rates r on r.currency = o.currency and r.day = (o.placed_at at time zone 'UTC')::date
          where o.status = 'completed'),
        line_discounts as (select order_id, bool_or(discount > 0) as any_line from shop.order_items group by 1),
        buyers as (
          select p.customer_id, count(*) as frequency, round(sum(net) / count(*), 2) as aov, max(day) as last_day,
                 avg(case when p.discount_total > 0 or p.coupon_code is not null or l.any_line then 1.0 else 0 end) as discounted_share
          from purchases p left join line_discounts l using (order_id) group by 1),
        units as (
          select p.customer_id,
                 coalesce(sum(i.quantity) filter (where p.placed_at - pr.launched_at between interval '0' and interval '30 days'), 0)::float8 / sum(i.quantity) as new_share,
                 coalesce(sum(i.quantity) filter (where pr.replenish_days is not null), 0)::float8 / sum(i.quantity) as repl_share
          from purchases p join shop.order_items i using (order_id) join shop.products pr using (product_id) group by 1),
        owners as (
          select distinct on (visitor_id) visitor_id, customer_id from shop.sessions
          where customer_id is not null order by visitor_id, started_at, customer_id),
        sessions0 as (select coalesce(s.customer_id, o.customer_id) as cid, s.* from shop.sessions s left join owners o using (visitor_id)),
        carts as (
          select s.session_id, bool_or(o.order_id is not null) as converted
          from sessions0 s left join shop.orders o
            on o.customer_id = s.cid and o.placed_at >= s.started_at and o.placed_at < s.started_at + interval '24 hours'
          where s.cart_adds > 0 and s.cid is not null group by 1),
        visits as (
          select s.cid as customer_id,
                 count(*) filter (where s.started_at >= p.t - interval '30 days') as sessions_30d,
                 p.d - max((s.started_at at time zone 'UTC')::date) as days_since_last_visit,
                 coalesce(sum(s.cart_adds) filter (where s.started_at >= p.t - interval '90 days'), 0) as cart_adds_90d,
                 count(*) filter (where s.started_at >= p.t - interval '90 days' and s.cart_adds > 0 and not coalesce(c.converted, false)) as abandoned_90d
          from sessions0 s left join carts c using (session_id) cross join params p where s.cid is not null group by s.cid, p.d),
        chat_features as (
          select coalesce(c.customer_id, o.customer_id) as customer_id, count(*) as chats, avg(questions) as questions_per_chat,
                 avg(customer_messages) as messages_per_chat, avg(sentiment) as sentiment, avg(csat) as csat
          from shop.chats c left join owners o using (visitor_id) where coalesce(c.customer_id, o.customer_id) is not null group by 1)
        select c.customer_id, t.persona, t.chat_style, c.newsletter_opt_in as opt_in, b.frequency, b.aov,
               (select d from params) - b.last_day as recency, b.discounted_share, u.new_share, u.repl_share,
               coalesce(v.sessions_30d, 0) as sessions_30d, v.days_since_last_visit, coalesce(v.cart_adds_90d, 0) as cart_adds_90d,
               coalesce(v.abandoned_90d, 0) as abandoned_90d, coalesce(ch.chats, 0) as chats, ch.questions_per_chat,
               ch.messages_per_chat, ch.sentiment, ch.csat
        from shop.customers c join shop_truth.customer_personas t using (customer_id)
        left join buyers b using (customer_id) left join units u using (customer_id)
        left join visits v using (customer_id) left join chat_features ch using (customer_id)
        """

    static let evaluation = """
        with rules as (
          select customer_id, persona, chat_style, r.rule, r.hit from f cross join lateral (values
            ('high_spender', coalesce(frequency >= 5 and aov >= 250, false)),
            ('loyal', coalesce(frequency >= 10 and aov < 250 and discounted_share < 0.5 and repl_share < 0.5 and new_share < 0.5, false)),
            ('coupon_seeker', coalesce(frequency >= 3 and discounted_share >= 0.8, false)),
            ('one_time', coalesce(frequency = 1, false)),
            ('replenishment', coalesce(frequency >= 4 and repl_share >= 0.7, false)),
            ('trend_follower', coalesce(frequency >= 2 and new_share >= 0.6, false)),
            ('cart_abandoner', coalesce(frequency >= 1 and abandoned_90d >= 3, false)),
            ('undecided_prospect', frequency is null and cart_adds_90d > 0 and chats > 0),
            ('curious_prospect', frequency is null and sessions_30d >= 1 and cart_adds_90d = 0),
            ('dormant', coalesce(frequency >= 2 and recency > 365 and days_since_last_visit > 365, false)),
            ('newsletter_lead', frequency is null and opt_in and sessions_30d = 0 and cart_adds_90d = 0),
            ('analytical', chats > 0 and questions_per_chat >= 3),
            ('socializing', chats > 0 and questions_per_chat < 3 and messages_per_chat >= 14),
            ('dominating', chats > 0 and sentiment < 0),
            ('relatable', chats > 0 and questions_per_chat < 3 and messages_per_chat < 14 and sentiment > 0)
          ) as r(rule, hit))
        select rule,
          count(*) filter (where hit and (persona = rule or chat_style = rule)) as true_positives,
          count(*) filter (where hit) as predicted,
          count(*) filter (where persona = rule or chat_style = rule) as actual,
          count(*) filter (where hit and (persona = rule or chat_style = rule))::float8 / greatest(1, count(*) filter (where hit)) as precision,
          count(*) filter (where hit and (persona = rule or chat_style = rule))::float8 / greatest(1, count(*) filter (where persona = rule or chat_style = rule)) as recall
        from rules group by rule order by rule
        """
}
