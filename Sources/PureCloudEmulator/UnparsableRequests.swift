import Foundation
import NIOCore
import NIOHTTP1

/// Hummingbird answers a request NIO cannot parse with an empty 400. The commonest such request
/// here is a search page URL whose q64 token pushes the request line over NIO's 80 KB header limit
/// (a corrupted or forged token); clients read the platform's ErrorBody on every 4xx, so this
/// handler, placed after Hummingbird's HTTP codec, answers a parse error with one and closes the
/// connection, as Hummingbird would. The answer is written as bytes below NIO's response encoder:
/// there is no request head to answer through the HTTP layers.
final class UnparsableRequestResponder: ChannelInboundHandler, RemovableChannelHandler {
    /// Requests pass through untouched (the default channelRead forwards them).
    typealias InboundIn = NIOAny

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError,
              let below = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
        else {
            context.fireErrorCaught(error)
            return
        }
        let message = parserError == .headerOverflow
            ? "The request line and headers are over 80 KB; a q64 search token this long was not made by a search page"
            : "The request is not valid HTTP/1.1 (\(parserError))"
        let correlationId = UUID().uuidString.lowercased()
        let body = APIFailure.badRequest(message).body(correlationId: correlationId).serialized()
        let head = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n"
            + "ININ-Correlation-Id: \(correlationId)\r\nConnection: close\r\n\r\n"
        var buffer = context.channel.allocator.buffer(capacity: head.utf8.count + body.count)
        buffer.writeString(head)
        buffer.writeBytes(body)
        let written = context.eventLoop.makePromise(of: Void.self)
        let channel = context.channel
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        below.writeAndFlush(NIOAny(buffer), promise: written)
    }
}
