import PostgresClient
import Testing

/// Masking replaces whole secrets only, so a password fragment never cuts letters out of
/// ordinary words, and a password with `@ : / #` is masked whole.
struct SecretMaskingTests {
    @Test func aWholeSecretIsMaskedWhereverItStands() {
        let password = "p@ss:w/rd#"
        #expect(SecretMasking.mask("password=p@ss:w/rd# host=db", secrets: [password]) == "password=*** host=db")
        #expect(SecretMasking.mask("postgresql://etl:p@ss:w/rd#@db/shop", secrets: [password]) == "postgresql://etl:***@db/shop")
        #expect(SecretMasking.mask("Kestrel-9931 rejected", secrets: ["Kestrel-9931"]) == "*** rejected")
    }

    @Test func fragmentsInsideWordsStay() {
        // What an unencoded URI's naive parse yields as "the password": `p`, `ss`.
        let message = "could not connect to PostgreSQL on prod: password authentication failed for user \"etl\""
        #expect(SecretMasking.mask(message, secrets: ["p", "ss", "o"]) == message)
        #expect(SecretMasking.mask("user p logged in", secrets: ["p"]) == "user *** logged in")
    }

    @Test func quotedFragmentsOfASecretAreMasked() {
        let message = #"missing "=" after "rd#@db" in connection info string"#
        #expect(SecretMasking.mask(message, secrets: ["p@ss:w/rd#@db"], quoted: true)
            == #"missing "=" after "***" in connection info string"#)
    }

    @Test func theRedactedURIHidesAPasswordThatWasNotPercentEncoded() {
        #expect(PostgresConfiguration.redact("postgresql://etl:p@ss:w/rd#@db:5432/shop") == "postgresql://etl:***@db:5432/shop")
        #expect(PostgresConfiguration.redact("postgres://a:b%40c@host:5432/db?sslmode=require") == "postgres://a:***@host:5432/db?sslmode=require")
    }

    @Test func aConnectionStringLibpqCannotParseIsAConfigurationError() {
        #expect(throws: ConnectionStringError.self) {
            try PostgresConfiguration(connectionString: "host=db password=Hidden-77 dbname").validate(environment: [:])
        }
        #expect(throws: ConnectionStringError.self) {
            try PostgresConfiguration(connectionString: "postgresql://etl:Hidden-77@db:fivefourthree/shop").validate(environment: [:])
        }
        #expect(throws: ConnectionStringError.self) {
            try PostgresConfiguration(connectionString: "host=db dbname=shop").validate(environment: ["PGPORT": "x"])
        }
        #expect(throws: Never.self) {
            try PostgresConfiguration(connectionString: "postgresql://etl:p%40ss%3Aw%2Frd%23@db:5432,db2:5433/shop").validate(environment: [:])
        }
        do {
            try PostgresConfiguration(connectionString: "host=db password=Hidden-77 dbname").validate(environment: [:])
        } catch {
            #expect("\(error)".contains("missing \"=\""))
            #expect(!"\(error)".contains("Hidden-77"))
        }
    }
}
