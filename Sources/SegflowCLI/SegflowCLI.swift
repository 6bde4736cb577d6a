public enum SegflowCLIPlaceholder {}
