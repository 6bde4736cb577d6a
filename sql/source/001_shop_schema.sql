-- The canonical source schema: the store's raw exports as segflow reads them.
--
-- Landing tables, not a model: no primary keys, no foreign keys, no check constraints.
-- Raw exports hold duplicates (the same key twice; the clean stage keeps the latest
-- updated_at), orphans (references to rows that do not exist), padded and mixed-case text
-- and impossible values; docs/semantics.md says how segflow repairs or rejects them.
-- Extraction indexes are created after loading (002_shop_indexes.sql).
--
-- All timestamps are timestamptz (instants). Money is numeric(12,2) in the currency of its
-- row: products in EUR (the base currency), orders and their items in the order's currency.
-- shop_truth holds what the generator planted; the pipeline never reads it.

create schema shop;
comment on schema shop is 'Raw landing tables of the online store (customers, catalogue, web sessions, orders, support chats, fx rates). No keys: duplicates and orphans are possible.';

create table shop.customers (
    customer_id         int8,
    email               text,
    created_at          timestamptz,
    country             text,
    city                text,
    birth_date          date,
    gender              text,
    newsletter_opt_in   bool,
    acquisition_channel text,
    is_internal         bool default false,
    updated_at          timestamptz
);
comment on table shop.customers is 'One row per customer account and export; a customer exported twice appears twice (the latest updated_at wins). An account exists from sign-up (first checkout, registration or newsletter form).';
comment on column shop.customers.customer_id is 'Customer key (not unique in the raw export). Never null in generated data.';
comment on column shop.customers.email is 'Email address as typed at sign-up, lower case; raw data may hold padded, mixed-case or malformed addresses.';
comment on column shop.customers.created_at is 'Sign-up instant. Sessions of the same visitor before it are anonymous.';
comment on column shop.customers.country is 'ISO 3166-1 alpha-2 code, upper case (DE, FR, GB, US, …). Raw data may hold names (''Germany''), alpha-3 codes, lower case or junk (''xx'').';
comment on column shop.customers.city is 'City of the shipping address, free text.';
comment on column shop.customers.birth_date is 'Date of birth; null when the customer did not say (about 30 %).';
comment on column shop.customers.gender is 'female, male or diverse; null when not given (about 25 %).';
comment on column shop.customers.newsletter_opt_in is 'Subscribed to the newsletter (marketing consent) as of the export.';
comment on column shop.customers.acquisition_channel is 'Channel of the sign-up: organic, paid_search, email, social, direct, referral or affiliate (lower case).';
comment on column shop.customers.is_internal is 'Staff or QA test account (email domain shop-staff.example); the pipeline drops these through its test-account list.';
comment on column shop.customers.updated_at is 'Last change of the record in the shop system; the latest row per customer_id is the current one.';

create table shop.products (
    product_id     int8,
    sku            text,
    name           text,
    category       text,
    product_line   text,
    list_price     numeric(12,2),
    launched_at    timestamptz,
    replenish_days int4
);
comment on table shop.products is 'The catalogue: about 2,000 products in 8 categories × 5 product lines, launched before and throughout the data span.';
comment on column shop.products.product_id is 'Product key.';
comment on column shop.products.sku is 'Stock keeping unit, <category>-<line>-<number>; when a product_id appears twice the greatest sku wins.';
comment on column shop.products.name is 'Display name.';
comment on column shop.products.category is 'Category (Electronics, Home & Kitchen, …); compare trimmed and lower-cased.';
comment on column shop.products.product_line is 'Product line within its category (Audio, Espresso, Dog Food, …); compare trimmed and lower-cased.';
comment on column shop.products.list_price is 'Current list price in EUR (the base currency), VAT included; > 0.';
comment on column shop.products.launched_at is 'Instant the product went on sale; a new-launch purchase is one within 30 days after it.';
comment on column shop.products.replenish_days is 'Typical days between re-orders of a consumable (refills, pet food, coffee); null for durable goods.';

create table shop.sessions (
    session_id       int8,
    visitor_id       uuid,
    customer_id      int8,
    started_at       timestamptz,
    ended_at         timestamptz,
    channel          text,
    device           text,
    landing_page     text,
    page_views       int4,
    product_views    int4,
    category_views   int4,
    cart_adds        int4,
    cart_product_id  int8,
    checkout_started bool,
    country          text
);
comment on table shop.sessions is 'Web sessions from the analytics export, anonymous visitors included (and, in raw data, bots).';
comment on column shop.sessions.session_id is 'Session key.';
comment on column shop.sessions.visitor_id is 'Cookie (device) id. A visitor is anonymous (customer_id null) until its first login; stitching gives its earlier sessions to that customer.';
comment on column shop.sessions.customer_id is 'Logged-in customer; null for anonymous sessions.';
comment on column shop.sessions.started_at is 'First hit of the session.';
comment on column shop.sessions.ended_at is 'Last hit of the session (≥ started_at).';
comment on column shop.sessions.channel is 'Traffic source: organic, paid_search, email, social, direct, referral or affiliate.';
comment on column shop.sessions.device is 'desktop, mobile or tablet.';
comment on column shop.sessions.landing_page is 'Path of the first page: /, /c/<category>, /p/<sku>, /sale, /new or /blog/<post>.';
comment on column shop.sessions.page_views is 'Pages viewed (1…120 for people; bots show hundreds or thousands within seconds).';
comment on column shop.sessions.product_views is 'Product detail pages viewed (≤ page_views).';
comment on column shop.sessions.category_views is 'Category listing pages viewed (≤ page_views - product_views).';
comment on column shop.sessions.cart_adds is 'Add-to-cart events.';
comment on column shop.sessions.cart_product_id is 'Product of the last add-to-cart; null without cart additions.';
comment on column shop.sessions.checkout_started is 'The checkout page was reached (always true when an order was placed in the session).';
comment on column shop.sessions.country is 'ISO alpha-2 country from geo-IP (mostly the customer''s).';

create table shop.orders (
    order_id         int8,
    customer_id      int8,
    session_id       int8,
    placed_at        timestamptz,
    status           text,
    currency         text,
    subtotal         numeric(12,2),
    discount_total   numeric(12,2),
    shipping_total   numeric(12,2),
    tax_total        numeric(12,2),
    total            numeric(12,2),
    coupon_code      text,
    shipping_country text,
    updated_at       timestamptz
);
comment on table shop.orders is 'Order headers from the shop system, one row per order and export (the latest updated_at wins). Amounts in the order''s currency; total = subtotal - discount_total + shipping_total + tax_total.';
comment on column shop.orders.order_id is 'Order key.';
comment on column shop.orders.customer_id is 'Ordering customer (orders need an account).';
comment on column shop.orders.session_id is 'Web session the order was placed in; null when unknown.';
comment on column shop.orders.placed_at is 'Instant the order was placed.';
comment on column shop.orders.status is 'completed, cancelled, refunded or pending (lower case; raw data may be padded or mixed-case). Only completed orders are purchases.';
comment on column shop.orders.currency is 'ISO 4217 code; follows the shipping country: EUR, USD, GBP, SEK, PLN or CHF.';
comment on column shop.orders.subtotal is 'Σ quantity × unit_price over the order''s items, before the order discount.';
comment on column shop.orders.discount_total is 'Order-level discount (coupon), ≥ 0. Sale markdowns are per line (order_items.discount) and already out of unit_price.';
comment on column shop.orders.shipping_total is 'Shipping fee charged; 0 above the free-shipping threshold.';
comment on column shop.orders.tax_total is 'VAT or sales tax on subtotal - discount_total + shipping_total, at the shipping country''s rate.';
comment on column shop.orders.total is 'Amount charged: subtotal - discount_total + shipping_total + tax_total.';
comment on column shop.orders.coupon_code is 'Coupon redeemed (WELCOME10, BLACKFRIDAY25, …); null without one.';
comment on column shop.orders.shipping_country is 'ISO alpha-2 country the order ships to (usually the customer''s).';
comment on column shop.orders.updated_at is 'Last change (shipping, cancellation, refund); ≥ placed_at.';

create table shop.order_items (
    order_id   int8,
    line_no    int4,
    product_id int8,
    quantity   int4,
    unit_price numeric(12,2),
    list_price numeric(12,2),
    discount   numeric(12,2)
);
comment on table shop.order_items is 'Order lines; key (order_id, line_no). Amounts in the order''s currency.';
comment on column shop.order_items.order_id is 'Order of the line.';
comment on column shop.order_items.line_no is 'Line number within the order, from 1.';
comment on column shop.order_items.product_id is 'Product bought.';
comment on column shop.order_items.quantity is 'Units bought (≥ 1).';
comment on column shop.order_items.unit_price is 'Price charged per unit, after any sale markdown.';
comment on column shop.order_items.list_price is 'List price per unit at the time of the order, in the order''s currency.';
comment on column shop.order_items.discount is 'Line markdown: (list_price - unit_price) × quantity; 0 at full price.';

create table shop.chats (
    chat_id           int8,
    customer_id       int8,
    visitor_id        uuid,
    session_id        int8,
    started_at        timestamptz,
    ended_at          timestamptz,
    channel           text,
    customer_messages int4,
    agent_messages    int4,
    questions         int4,
    sentiment         float8,
    csat              int2,
    topic             text,
    escalated         bool,
    resolved          bool
);
comment on table shop.chats is 'Support conversations from the help-desk export, one row per conversation.';
comment on column shop.chats.chat_id is 'Conversation key.';
comment on column shop.chats.customer_id is 'Identified customer; null for anonymous web chats (visitor_id then says who).';
comment on column shop.chats.visitor_id is 'Visitor of the web chat widget; null for email and WhatsApp.';
comment on column shop.chats.session_id is 'Web session the chat was opened in; null outside the site.';
comment on column shop.chats.started_at is 'First message.';
comment on column shop.chats.ended_at is 'Last message (≥ started_at).';
comment on column shop.chats.channel is 'web, email or whatsapp.';
comment on column shop.chats.customer_messages is 'Messages written by the customer.';
comment on column shop.chats.agent_messages is 'Messages written by agents.';
comment on column shop.chats.questions is 'Questions the customer asked (from the help desk''s text analysis).';
comment on column shop.chats.sentiment is 'Sentiment of the customer''s messages, -1 (hostile) … 1 (warm).';
comment on column shop.chats.csat is 'Satisfaction rating from the post-chat survey, 1 (bad) … 5 (great); null when not rated.';
comment on column shop.chats.topic is 'order_status, returns, product_question, shipping, payment, discount_code, complaint or account.';
comment on column shop.chats.escalated is 'Handed over to a supervisor.';
comment on column shop.chats.resolved is 'Closed as resolved.';

create table shop.fx_rates (
    day          date,
    currency     text,
    rate_to_base numeric(18,8)
);
comment on table shop.fx_rates is 'Daily exchange rates into the base currency EUR for every day of the data span (and the week before): EUR, USD, GBP, SEK, PLN, CHF.';
comment on column shop.fx_rates.day is 'Day the rate applies to.';
comment on column shop.fx_rates.currency is 'ISO 4217 code.';
comment on column shop.fx_rates.rate_to_base is 'EUR per unit of the currency (EUR: 1). An amount converts to EUR as round(amount × rate_to_base, 2).';

create schema shop_truth;
comment on schema shop_truth is 'Ground truth of generated data: what the generator planted. The pipeline never reads it; tests and rule tuning do.';

create table shop_truth.customer_personas (
    customer_id int8,
    persona     text,
    chat_style  text
);
comment on table shop_truth.customer_personas is 'The persona the generator gave each customer; docs/source-schema.md lists the signals each one plants.';
comment on column shop_truth.customer_personas.customer_id is 'Customer (shop.customers.customer_id).';
comment on column shop_truth.customer_personas.persona is 'regular, high_spender, loyal, coupon_seeker, one_time, replenishment, trend_follower, cart_abandoner, undecided_prospect, curious_prospect, dormant, newsletter_lead or test_account.';
comment on column shop_truth.customer_personas.chat_style is 'How the customer writes in support chats: analytical, socializing, dominating or relatable; null when the customer never chats.';

create table shop_truth.injected_defects (
    source text,
    key    text,
    defect text
);
comment on table shop_truth.injected_defects is 'Every defect segflow generate --dirty planted, one row per defective row.';
comment on column shop_truth.injected_defects.source is 'Table of the defective row: customers, products, sessions, orders, order_items, chats or fx_rates.';
comment on column shop_truth.injected_defects.key is 'Key of the defective row as text: the id; order_id/line_no for order_items; YYYY-MM-DD/CUR for fx_rates.';
comment on column shop_truth.injected_defects.defect is 'duplicate, duplicate_older, duplicate_newer, orphan_customer, orphan_order, orphan_product, negative_amount, absurd_amount, future_timestamp, malformed_email, bad_country, bot_session, unknown_currency, padded_text, invalid_value or invalid_birth_date (see docs/source-schema.md).';

create table shop_truth.generation (
    seed       int8,
    customers  int8,
    end_day    date,
    years      int4,
    dirty_rate float8,
    block_size int4,
    generator  text
);
comment on table shop_truth.generation is 'How the data was generated (one row); segflow generate with these values gives the same rows again.';
comment on column shop_truth.generation.seed is 'Random seed (--seed), stored as a signed 64-bit value.';
comment on column shop_truth.generation.customers is 'Customers generated (--customers).';
comment on column shop_truth.generation.end_day is 'Last day of the data (--end); the natural as-of day for snapshots.';
comment on column shop_truth.generation.years is 'Length of the span in years of 365 days (--years).';
comment on column shop_truth.generation.dirty_rate is 'Share of defective rows per table (--dirty).';
comment on column shop_truth.generation.block_size is 'Customers per random block; fixes the output together with the seed.';
comment on column shop_truth.generation.generator is 'Generator revision: data of different revisions differ.';
