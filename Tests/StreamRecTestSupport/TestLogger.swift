import Logging

/// The logger every test hands to the code under test: errors only, so that a
/// failing test's output shows what went wrong and nothing else.
public let testLogger: Logger = {
    var logger = Logger(label: "streamrec.tests")
    logger.logLevel = .error
    return logger
}()
