// `import Segflow` gives an embedding program the whole library, as before the split into
// layers; the generator (SegflowGenerator) is not part of it.
@_exported import SegflowClusters
@_exported import SegflowEngine
@_exported import SegflowModels
@_exported import SegflowPipelineFile
@_exported import SegflowPublish
@_exported import SegflowRules
