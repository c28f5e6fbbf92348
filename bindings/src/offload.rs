//! Async forms of the slow calls (Kotlin `suspend`, Swift `async`). Each
//! runs the blocking core call on its own thread and hands the result back
//! through a one-shot channel, so no app thread (and no Rust async runtime)
//! is held while Argon2id or a PDF runs.
//!
//! Cancellation flows into the core without the app wiring anything: the
//! returned future owns a guard that trips the call's cancel flag when the
//! future is dropped. Kotlin drops it when the coroutine is cancelled (the
//! generated code frees the Rust future); Swift's generated code does not
//! watch Task cancellation, so the Swift helpers pass a [`CancelToken`] and
//! cancel it from `withTaskCancellationHandler` (see the Swift README).
//! Either way the core stops at its next check and changes nothing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures_channel::oneshot;
use haven_core::{HavenError, Progress};

use crate::guard::guard;
use crate::progress::{CancelToken, ProgressListener};

/// Progress for a call run off-thread: reports to the app's listener and
/// stops when the future was dropped or the app's token was cancelled.
pub struct Offloaded {
    listener: Option<Arc<dyn ProgressListener>>,
    token: Option<Arc<CancelToken>>,
    dropped: Arc<AtomicBool>,
}

impl Progress for Offloaded {
    fn update(&self, step: &str, fraction: f64) {
        if let Some(l) = &self.listener {
            l.on_progress(step.to_string(), fraction);
        }
    }

    fn cancelled(&self) -> bool {
        self.dropped.load(Ordering::SeqCst) || self.token.as_ref().is_some_and(|t| t.is_cancelled())
    }
}

/// Trips the flag when the future holding it is dropped before it finished.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Runs `work` on a new thread (inside the panic guard) and awaits it.
/// Dropping the returned future cancels the work.
pub async fn offload<T: Send + 'static>(
    listener: Option<Arc<dyn ProgressListener>>,
    token: Option<Arc<CancelToken>>,
    work: impl FnOnce(&Offloaded) -> Result<T, HavenError> + Send + 'static,
) -> Result<T, HavenError> {
    let dropped = Arc::new(AtomicBool::new(false));
    let _guard = CancelOnDrop(dropped.clone());
    let progress = Offloaded {
        listener,
        token,
        dropped,
    };
    let (tx, rx) = oneshot::channel();
    std::thread::Builder::new()
        .name("haven-call".into())
        .spawn(move || {
            let result = guard(|| {
                if progress.cancelled() {
                    return Err(HavenError::Cancelled);
                }
                work(&progress)
            });
            // The receiver is gone only if the caller stopped waiting.
            let _ = tx.send(result);
        })
        .map_err(|_| HavenError::Internal {
            reason: "the system refused to start a worker thread".into(),
        })?;
    rx.await.unwrap_or_else(|_| {
        Err(HavenError::Internal {
            reason: "a worker thread stopped without an answer".into(),
        })
    })
}

/// Polls a future to completion on this thread (tests only; the
/// bindings' tests share it).
#[cfg(test)]
pub(crate) fn block_on<F: std::future::Future>(f: F) -> F::Output {
    use std::task::{Context, Poll, Wake, Waker};
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut f = std::pin::pin!(f);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park_timeout(std::time::Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn the_result_comes_back_and_a_panic_is_typed() {
        assert_eq!(block_on(offload(None, None, |_| Ok(7))), Ok(7));
        #[allow(clippy::panic)]
        let r: Result<(), HavenError> = block_on(offload(None, None, |_| panic!("words")));
        assert!(matches!(r, Err(HavenError::Internal { .. })), "{r:?}");
    }

    #[test]
    fn dropping_the_future_cancels_the_work() {
        let (started_tx, started_rx) = mpsc::channel();
        let (saw_tx, saw_rx) = mpsc::channel();
        let fut = offload(None, None, move |p| {
            let _ = started_tx.send(());
            // Wait (bounded) for the cancellation the drop below causes.
            for _ in 0..400 {
                if p.cancelled() {
                    let _ = saw_tx.send(true);
                    return Err(HavenError::Cancelled);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            let _ = saw_tx.send(false);
            Ok(())
        });
        // The first poll starts the work; drop the future once it runs.
        {
            use std::future::Future;
            use std::task::{Context, Waker};
            let mut fut = Box::pin(fut);
            let _ = fut.as_mut().poll(&mut Context::from_waker(Waker::noop()));
            assert_eq!(started_rx.recv_timeout(Duration::from_secs(5)), Ok(()));
        }
        assert_eq!(saw_rx.recv_timeout(Duration::from_secs(5)), Ok(true));
    }
}
