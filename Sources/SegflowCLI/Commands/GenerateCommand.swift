import ArgumentParser

/// Placeholder until the generator lands.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "Fill the source schema with realistic synthetic data.")
    func run() throws {}
}
