// Hand-written (bindings/generate.sh leaves this file alone): Swift Task
// cancellation for Haven's async calls. uniffi's generated Swift does not
// watch Task cancellation, so each `...Async` call takes a `CancelToken`;
// `withCancelToken` cancels it when the surrounding Task is cancelled, and
// turns the core's `Cancelled` (HavenError or ShareError) into Swift's
// `CancellationError`.
//
//     let task = Task {
//         try await withCancelToken { token in
//             try await vault.unlockWithPassphraseAsync(passphrase: p, listener: nil, token: token)
//         }
//     }
//     task.cancel()   // the core stops deriving the key; the vault stays locked
import Foundation

/// Runs `body` with a token that is cancelled when the current Task is.
public func withCancelToken<T>(_ body: (CancelToken) async throws -> T) async throws -> T {
    let token = CancelToken()
    do {
        return try await withTaskCancellationHandler {
            try await body(token)
        } onCancel: {
            token.cancel()
        }
    } catch HavenError.Cancelled {
        throw CancellationError()
    } catch ShareError.Cancelled {
        throw CancellationError()
    }
}
