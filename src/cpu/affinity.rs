//! `--cores` on the real clock: the run's threads are pinned to that many
//! of the cores this process may use, so that a two-core lesson looks the
//! same on a machine with sixteen.
//!
//! On Linux, a new thread, or a process started from it, inherits the
//! cores of the thread that started it; pinning the thread that starts a
//! run pins every thread and process of the run. The cores are given back
//! when the run ends.
//!
//! The threaded virtual clock keeps its threads on one core ([`keep_on`]):
//! they run one at a time, so they lose nothing by sharing it, and handing
//! the baton to a thread on the same core is cheaper than waking one on
//! another.

use thiserror::Error;

/// Why a run cannot have the cores it asks for.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CoresError {
    /// More cores than this process may use.
    #[error("--cores {asked} on the real clock is more than the {have} cores this machine lets mesonero use; use the virtual clock (--clock virtual) to simulate more")]
    TooMany {
        /// Cores asked for.
        asked: usize,
        /// Cores the process may use.
        have: usize,
    },
    /// This system cannot pin threads to cores.
    #[error("--cores on the real clock needs Linux, to pin the run to cores; use the virtual clock (--clock virtual) here")]
    Unsupported,
    /// The system refused.
    #[error("cannot pin the run to {0} cores: {1}")]
    Refused(usize, String),
}

/// The calling thread's cores, restored when dropped.
#[derive(Debug)]
pub struct Pinned {
    #[cfg(target_os = "linux")]
    before: libc::cpu_set_t,
}

#[cfg(target_os = "linux")]
mod linux {
    use super::{CoresError, Pinned};

    fn current() -> Result<libc::cpu_set_t, CoresError> {
        // SAFETY: a zeroed cpu_set_t is an empty set, and
        // sched_getaffinity writes at most its size into it.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
                let e = std::io::Error::last_os_error();
                return Err(CoresError::Refused(0, e.to_string()));
            }
            Ok(set)
        }
    }

    fn set(set: &libc::cpu_set_t) -> std::io::Result<()> {
        // SAFETY: the set is a valid cpu_set_t of the size given.
        let done =
            unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), set) };
        if done == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    }

    /// The cores in a set, in order.
    fn cores(set: &libc::cpu_set_t) -> Vec<usize> {
        // SAFETY: CPU_ISSET reads the set within CPU_SETSIZE.
        (0..libc::CPU_SETSIZE as usize)
            .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, set) })
            .collect()
    }

    pub(super) fn pin(asked: usize) -> Result<Option<Pinned>, CoresError> {
        let before = current()?;
        let allowed = cores(&before);
        if asked > allowed.len() {
            return Err(CoresError::TooMany {
                asked,
                have: allowed.len(),
            });
        }
        if asked == allowed.len() {
            return Ok(None);
        }
        // SAFETY: a zeroed cpu_set_t is an empty set; CPU_SET writes
        // within CPU_SETSIZE, and every core listed is below it.
        let mut fewer: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        for &cpu in &allowed[..asked] {
            unsafe { libc::CPU_SET(cpu, &mut fewer) };
        }
        set(&fewer).map_err(|e| CoresError::Refused(asked, e.to_string()))?;
        Ok(Some(Pinned { before }))
    }

    pub(super) fn restore(pinned: &Pinned) {
        // Giving back cores the thread had a moment ago cannot fail in a
        // way worth reporting: the run is over.
        let _ = set(&pinned.before);
    }

    /// How many cores the calling thread may use.
    pub(super) fn count() -> Option<usize> {
        current().ok().map(|set| cores(&set).len())
    }

    pub(super) fn core() -> Option<usize> {
        // SAFETY: sched_getcpu takes nothing and returns -1 on failure.
        let cpu = unsafe { libc::sched_getcpu() };
        usize::try_from(cpu).ok()
    }

    pub(super) fn keep_on(core: usize) -> bool {
        if core >= libc::CPU_SETSIZE as usize {
            return false;
        }
        // SAFETY: a zeroed cpu_set_t is an empty set, and the core is
        // below CPU_SETSIZE.
        let mut one: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        unsafe { libc::CPU_SET(core, &mut one) };
        set(&one).is_ok()
    }
}

/// Pins the calling thread, and so every thread and process it starts, to
/// `cores` of the cores it may use now; `None` when that is all of them.
pub fn pin(cores: usize) -> Result<Option<Pinned>, CoresError> {
    #[cfg(target_os = "linux")]
    {
        linux::pin(cores)
    }
    #[cfg(not(target_os = "linux"))]
    {
        if cores == super::machine_cores() {
            Ok(None)
        } else {
            Err(CoresError::Unsupported)
        }
    }
}

/// How many cores the calling thread may use now, where the system says.
pub fn allowed() -> Option<usize> {
    #[cfg(target_os = "linux")]
    {
        linux::count()
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// The core the calling thread is running on at this moment, where the
/// system says.
pub fn current_core() -> Option<usize> {
    #[cfg(target_os = "linux")]
    {
        linux::core()
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// Keeps the calling thread on `core` from now on, for good; says whether
/// it could (not if the thread may not use that core, or off Linux).
pub fn keep_on(core: usize) -> bool {
    #[cfg(target_os = "linux")]
    {
        linux::keep_on(core)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = core;
        false
    }
}

impl Drop for Pinned {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        linux::restore(self);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_pinned_to_fewer_cores_and_given_them_back() {
        let have = allowed().unwrap();
        assert_eq!(
            pin(have + 1).unwrap_err(),
            CoresError::TooMany {
                asked: have + 1,
                have
            }
        );
        assert!(pin(have).unwrap().is_none());
        {
            let _pinned = pin(1).unwrap();
            assert_eq!(allowed(), Some(1));
            // A thread started now inherits the one core.
            let inside = std::thread::spawn(allowed).join().unwrap();
            assert_eq!(inside, Some(1));
        }
        assert_eq!(allowed(), Some(have));
    }

    #[test]
    fn a_thread_kept_on_its_core_stays_there() {
        let core = current_core().unwrap();
        let (kept, allowed, now) = std::thread::spawn(move || {
            let kept = keep_on(core);
            (kept, allowed(), current_core())
        })
        .join()
        .unwrap();
        assert!(kept);
        assert_eq!(allowed, Some(1));
        assert_eq!(now, Some(core));
        assert!(!keep_on(libc::CPU_SETSIZE as usize));
    }
}
