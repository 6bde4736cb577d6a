import SegflowCLI
