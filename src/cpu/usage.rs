//! The CPU time this process has used, and its children: what `compare`
//! shows beside wall time, so that waiting and computing can be told
//! apart (a run that waits uses almost none).

use std::time::Duration;

/// CPU time, user and system, used so far by this process and by its
/// children that have ended and been waited for. Zero where the system
/// cannot say.
#[cfg(unix)]
pub fn used() -> Duration {
    rusage(libc::RUSAGE_SELF) + rusage(libc::RUSAGE_CHILDREN)
}

/// CPU time used so far: not known on this system.
#[cfg(not(unix))]
pub fn used() -> Duration {
    Duration::ZERO
}

#[cfg(unix)]
fn rusage(who: libc::c_int) -> Duration {
    // SAFETY: getrusage writes into the struct it is given and nothing
    // else; a zeroed rusage is a valid value of the type.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(who, &mut usage) != 0 {
            return Duration::ZERO;
        }
        usage
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computing_uses_cpu_time() {
        let before = used();
        super::super::work::compute(Duration::from_millis(30), &crate::Shutdown::new()).unwrap();
        let spent = used() - before;
        // Generous: the work is calibrated, and the machine may be busy.
        assert!(spent >= Duration::from_millis(5), "{spent:?}");
    }
}
