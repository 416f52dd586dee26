//! The three things that must happen at once on the broker, as Lua
//! scripts: Redis runs a script whole, with no other command between its
//! steps.

use std::sync::LazyLock;

use redis::Script;

/// The dispatch, made to happen once: the order is marked dispatched to
/// this waiter only if no one has dispatched it, and then (and only then)
/// its dispatch event is told, and the order acknowledged. A waiter that
/// lost the race acknowledges it all the same: it is on its table.
///
/// KEYS: dispatched, events, orders. ARGV: order, waiter, entry id, the
/// event, seconds the run's keys live, the group.
pub static DISPATCH: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        local won = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
        if redis.call('TTL', KEYS[1]) < 0 then
            redis.call('EXPIRE', KEYS[1], ARGV[5])
        end
        if won == 1 then
            redis.call('XADD', KEYS[2], '*', 'e', ARGV[4])
        end
        redis.call('XACK', KEYS[3], ARGV[6], ARGV[3])
        return won
        ",
    )
});

/// Claims the oldest order another waiter has held, unacknowledged, for
/// at least the given idle time (a waiter that died, or never answers),
/// with XAUTOCLAIM, and says whose it was.
///
/// KEYS: orders. ARGV: the group, this waiter's name, the idle time in
/// milliseconds. Returns nil, or `{entry id, previous owner, order}`.
pub static CLAIM: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        local pending = redis.call('XPENDING', KEYS[1], ARGV[1], 'IDLE', ARGV[3], '-', '+', 1)
        if #pending == 0 then
            return false
        end
        local id, owner = pending[1][1], pending[1][2]
        local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], id, 'COUNT', 1)
        local entry = claimed[2][1]
        if entry == nil or entry[1] ~= id then
            return false
        end
        local fields = entry[2]
        for i = 1, #fields, 2 do
            if fields[i] == 'o' then
                return {id, owner, fields[i + 1]}
            end
        end
        return false
        ",
    )
});

/// A waiter's sign of life for the order it holds: the order's idle time
/// starts again, so that no one claims it, if it is still this waiter's.
///
/// KEYS: orders. ARGV: the group, this waiter's name, the entry id.
/// Returns 1 if the order is still this waiter's, 0 if it was claimed.
pub static KEEP: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        local mine = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
        if #mine == 0 then
            return 0
        end
        redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
        return 1
        ",
    )
});
