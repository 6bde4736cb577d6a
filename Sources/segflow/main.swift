import SegflowCLI

SegflowCommand.main()
