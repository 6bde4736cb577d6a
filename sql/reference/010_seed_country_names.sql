-- Seed: the English country names known to segflow, upper-cased, and their ISO 3166-1
-- alpha-2 codes. The same list as TextNormalization.countryNames in the Swift engine
-- (a test keeps them equal). stg_customers keeps a trimmed, upper-cased country of two
-- letters A-Z as it is, maps a name of this list to its code, and repairs anything else
-- to null (invalid_country).

create table segflow_reference.seed_country_names (
    name text primary key,
    code text not null
);

insert into segflow_reference.seed_country_names (name, code) values
    ('GERMANY', 'DE'),
    ('DEUTSCHLAND', 'DE'),
    ('FRANCE', 'FR'),
    ('UNITED KINGDOM', 'GB'),
    ('GREAT BRITAIN', 'GB'),
    ('UK', 'GB'),
    ('UNITED STATES', 'US'),
    ('USA', 'US'),
    ('SPAIN', 'ES'),
    ('ITALY', 'IT'),
    ('NETHERLANDS', 'NL'),
    ('POLAND', 'PL'),
    ('SWEDEN', 'SE'),
    ('SWITZERLAND', 'CH'),
    ('AUSTRIA', 'AT'),
    ('BELGIUM', 'BE'),
    ('DENMARK', 'DK'),
    ('IRELAND', 'IE'),
    ('PORTUGAL', 'PT'),
    ('NORWAY', 'NO'),
    ('FINLAND', 'FI'),
    ('CANADA', 'CA');

analyze segflow_reference.seed_country_names;
