public enum SegflowTestSupportPlaceholder {}
