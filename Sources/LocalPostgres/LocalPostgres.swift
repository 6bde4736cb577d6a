public enum LocalPostgresPlaceholder {}
