-- Extraction indexes and planner statistics, applied after the bulk load: building an
-- index once over loaded rows is much cheaper than maintaining it row by row.
-- Non-unique on purpose: the raw tables hold duplicate keys.
-- segflow generate runs the statements of one table in order on one connection and
-- several tables at once.

create index customers_customer_id_idx on shop.customers (customer_id);
create index customers_updated_at_idx on shop.customers (updated_at);
analyze shop.customers;

create index products_product_id_idx on shop.products (product_id);
analyze shop.products;

create index sessions_customer_id_idx on shop.sessions (customer_id);
create index sessions_started_at_idx on shop.sessions (started_at);
analyze shop.sessions;

create index orders_customer_id_idx on shop.orders (customer_id);
create index orders_updated_at_idx on shop.orders (updated_at);
analyze shop.orders;

create index order_items_order_id_idx on shop.order_items (order_id);
analyze shop.order_items;

create index chats_customer_id_idx on shop.chats (customer_id);
create index chats_started_at_idx on shop.chats (started_at);
analyze shop.chats;

create index fx_rates_currency_day_idx on shop.fx_rates (currency, day);
analyze shop.fx_rates;

create index customer_personas_customer_id_idx on shop_truth.customer_personas (customer_id);
analyze shop_truth.customer_personas;
analyze shop_truth.injected_defects;
analyze shop_truth.generation;
