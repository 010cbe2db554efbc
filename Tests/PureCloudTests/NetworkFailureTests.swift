import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
@testable import PureCloud
import XCTest

/// Failures without an answer are sorted by the error's type: whether the request may have reached
/// the server (a write's outcome is unknown, and it is retried only if repeatable), and whether
/// another attempt could change anything. Pure logic: the errors are made here, not provoked.
final class NetworkFailureTests: XCTestCase {
    struct Unknown: Error {}

    func testWhatNeverLeftTheMachineIsToldApartFromWhatMayHaveArrived() {
        let notSent: [(any Error, NetworkFailure)] = [
            (HTTPClientError.connectTimeout, .noAnswerToConnect),
            (IOError(errnoCode: ECONNREFUSED, reason: "connect"), .connectionRefused),
            (IOError(errnoCode: EHOSTUNREACH, reason: "connect"), .noAnswerToConnect),
            (NIOSSLError.handshakeFailed(.noError), .tlsHandshakeFailed),
            (HTTPClientError.tlsHandshakeTimeout, .tlsHandshakeFailed),
            (NIOSSLError.unableToValidateCertificate, .certificateRefused),
        ]
        for (error, kind) in notSent {
            XCTAssertEqual(NetworkFailure(error), kind, "\(error)")
            XCTAssertFalse(NetworkFailure(error).mayHaveBeenSent, "\(error)")
        }
        let maybeSent: [(any Error, NetworkFailure)] = [
            (HTTPClientError.readTimeout, .timedOut(finishing: false)),
            (HTTPClientError.remoteConnectionClosed, .connectionClosed),
            (IOError(errnoCode: ECONNRESET, reason: "read"), .connectionClosed),
            (NIOSSLError.uncleanShutdown, .connectionClosed),
            (Unknown(), .other),  // unknown: assume it may have arrived
        ]
        for (error, kind) in maybeSent {
            XCTAssertEqual(NetworkFailure(error), kind, "\(error)")
            XCTAssertTrue(NetworkFailure(error).mayHaveBeenSent, "\(error)")
        }
    }

    func testOnlyARefusedCertificateAndACancelAreNotTriedAgain() {
        XCTAssertTrue(NetworkFailure(NIOSSLError.unableToValidateCertificate).isDefinite)
        XCTAssertTrue(NetworkFailure(CancellationError()).isDefinite)
        XCTAssertFalse(NetworkFailure(NIOSSLError.handshakeFailed(.noError)).isDefinite)
        XCTAssertFalse(NetworkFailure(HTTPClientError.connectTimeout).isDefinite)
    }

    func testTheMessageNamesTheHostWithItsPortAndWhatHappened() {
        let refused = Transport.networkError(IOError(errnoCode: ECONNREFUSED, reason: "connect"), operation: "get_groups",
                                             host: "https://api.mypurecloud.ie", attempts: 3)
        XCTAssertEqual(refused.code, "network.unreachable")
        XCTAssertEqual(refused.message, "cannot connect to api.mypurecloud.ie:443: connection refused")
        let certificate = Transport.networkError(NIOSSLError.unableToValidateCertificate, operation: "authenticate",
                                                 host: "https://login.mypurecloud.ie/oauth/token", attempts: 1)
        XCTAssertEqual(certificate.code, "network.tls.certificate")
        XCTAssertTrue(certificate.message.hasPrefix("cannot connect to login.mypurecloud.ie:443: its TLS certificate was refused"), certificate.message)
    }
}
