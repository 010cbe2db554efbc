import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A request that ended without an HTTP answer, sorted by the error's type (never its text, which
/// libraries reword): whether the request may have reached the server, which decides whether a
/// write may be retried and whether its outcome is unknown, and what to tell the user.
enum NetworkFailure: Equatable {
    /// The connection never opened: nothing was sent.
    case nameDoesNotResolve
    case connectionRefused
    case noAnswerToConnect
    /// The TLS handshake failed (cut short, or refused): nothing was sent; tried again as a
    /// connection that did not open (a load balancer's hiccup looks the same).
    case tlsHandshakeFailed
    /// TLS refused the server's certificate (a name it is not for, an unknown issuer): nothing was
    /// sent, and trying again a second later cannot change it.
    case certificateRefused
    /// The request may have been sent.
    case timedOut(finishing: Bool)
    case connectionClosed
    case cancelled
    case other

    init(_ error: any Error) {
        switch error {
        case is CancellationError:
            self = .cancelled
        case let error as HTTPClientError:
            self = Self(client: error)
        case is BoundedExchange.TimedOut:
            self = .timedOut(finishing: true)
        case let error as NIOConnectionError:
            self = Self(connection: error)
        case let error as IOError:
            self = Self(errno: error.errnoCode)
        case let error as NIOSSLError:
            self = Self(tls: error)
        case is NIOSSLExtraError:
            self = .certificateRefused
        case let error as ChannelError:
            self = Self.isConnectTimeout(error) ? .noAnswerToConnect : error == .eof || error == .ioOnClosedChannel ? .connectionClosed : .other
        default:
            self = .other
        }
    }

    private init(client error: HTTPClientError) {
        switch error {
        case .cancelled: self = .cancelled
        case .connectTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout, .getConnectionFromPoolTimeout: self = .noAnswerToConnect
        case .tlsHandshakeTimeout: self = .tlsHandshakeFailed
        case .readTimeout, .writeTimeout, .deadlineExceeded: self = .timedOut(finishing: false)
        case .remoteConnectionClosed, .uncleanShutdown: self = .connectionClosed
        default: self = .other
        }
    }

    private init(tls error: NIOSSLError) {
        switch error {
        case .uncleanShutdown, .readInInvalidTLSState: self = .connectionClosed
        case .unableToValidateCertificate, .cannotMatchULabel, .noCertificateToValidate, .cannotFindPeerIP: self = .certificateRefused
        default: self = .tlsHandshakeFailed
        }
    }

    /// Happy eyeballs' summary of every address tried: a name that resolved to nothing, or the
    /// connect errors of each address.
    private init(connection error: NIOConnectionError) {
        let failures = error.connectionErrors.map { Self($0.error) }
        if failures.isEmpty {
            self = error.dnsAError != nil || error.dnsAAAAError != nil ? .nameDoesNotResolve : .noAnswerToConnect
        } else if failures.contains(.connectionRefused) {
            self = .connectionRefused
        } else {
            self = .noAnswerToConnect
        }
    }

    private init(errno code: CInt) {
        switch code {
        case ECONNREFUSED: self = .connectionRefused
        case ENETUNREACH, EHOSTUNREACH, ETIMEDOUT: self = .noAnswerToConnect
        case ECONNRESET, EPIPE: self = .connectionClosed
        default: self = .other
        }
    }

    private static func isConnectTimeout(_ error: ChannelError) -> Bool {
        if case .connectTimeout = error { return true }
        return false
    }

    /// Whether the request may have reached the server (unknown kinds: it may have).
    var mayHaveBeenSent: Bool {
        switch self {
        case .nameDoesNotResolve, .connectionRefused, .noAnswerToConnect, .tlsHandshakeFailed, .certificateRefused: return false
        case .timedOut, .connectionClosed, .cancelled, .other: return true
        }
    }

    /// Failures that another attempt cannot change.
    var isDefinite: Bool { self == .certificateRefused || self == .cancelled }

    /// The error the caller sees: code and message say what happened, and where.
    func apiError(_ error: any Error, operation: String, host: String, attempts: Int) -> APIError {
        let hostName = Transport.hostAndPort(host)
        let (code, message): (String, String)
        switch self {
        case .cancelled: (code, message) = ("interrupted", "the request was cancelled")
        case .nameDoesNotResolve: (code, message) = ("network.unreachable", "cannot connect to \(hostName): the name does not resolve")
        case .connectionRefused: (code, message) = ("network.unreachable", "cannot connect to \(hostName): connection refused")
        case .noAnswerToConnect: (code, message) = ("network.unreachable", "cannot connect to \(hostName): no answer to the connect")
        case .tlsHandshakeFailed: (code, message) = ("network.unreachable", "cannot connect to \(hostName): the TLS handshake failed (\(error))")
        case .certificateRefused: (code, message) = ("network.tls.certificate", "cannot connect to \(hostName): its TLS certificate was refused (\(error)); check the environment or base URL")
        case .timedOut(let finishing): (code, message) = ("request.timeout", "\(hostName) did not \(finishing ? "finish answering" : "answer") in time")
        case .connectionClosed: (code, message) = ("network.connection.closed", "\(hostName) closed the connection without answering")
        case .other: (code, message) = ("network.error", "request to \(hostName) failed: \(error)")
        }
        return APIError(status: 0, code: code, message: message, operation: operation, attempts: attempts)
    }
}
