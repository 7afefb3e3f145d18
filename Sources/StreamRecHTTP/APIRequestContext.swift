import Foundation
import Hummingbird

/// The request context of every route: Hummingbird's basic one, with JSON keys
/// written in sorted order so that answers are stable byte for byte.
package struct APIRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage

    package init(source: Source) {
        coreContext = .init(source: source)
    }

    package var responseEncoder: JSONEncoder { APIJSON.encoder }
}

/// JSON as every answer writes it.
enum APIJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
