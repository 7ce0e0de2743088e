import GrafosCLI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

exit(await GrafosCommandLine.main(Array(CommandLine.arguments.dropFirst())))
