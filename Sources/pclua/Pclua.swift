import ArgumentParser

@main
struct Pclua: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pclua",
        abstract: "Genesys Cloud Groups API scripting in Lua 5.4.",
        subcommands: [RunCommand.self, EmulatorCommand.self],
        defaultSubcommand: RunCommand.self)
}
