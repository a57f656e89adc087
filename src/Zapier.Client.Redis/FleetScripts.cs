namespace Zapier.Client.Redis;

/// <summary>
/// The two Lua scripts the budget runs in Redis. Times are Redis's own clock (TIME) in microseconds, so the clocks of
/// the fleet's machines do not matter. Each limit is a "theoretical arrival time" (GCRA): the key holds the earliest
/// time its next request may go. A reservation takes the latest of now, both limits' times and the fleet's hold,
/// and, if that slot is close enough, moves each limit one interval past it; both limits change together or not at
/// all, so a request refused by one limit costs the other nothing.
/// </summary>
internal static class FleetScripts
{
    /// <summary>
    /// KEYS: egress, partner, hold. ARGV: egress interval, partner interval, furthest slot ahead to reserve, earliest
    /// slot ahead (the caller's own floor), how far ahead a hold the caller knows of ends (0 for none), all in
    /// microseconds. A hold the caller knows of is written back first when the hold key is missing (Redis lost it:
    /// restarted empty); a key that is there is left alone, so that holds learned a round trip late do not creep.
    /// Returns {1, wait, end, hold} when reserved, {0, wait, end, hold} when the slot is further than allowed (no limit
    /// changed); end is how far ahead the fleet's queue now ends, hold how far ahead the fleet's hold ends (0 or less:
    /// none).
    /// </summary>
    public const string Reserve = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local known = tonumber(ARGV[5])
        local stored = redis.call('GET', KEYS[3])
        local hold = tonumber(stored or '0') or 0
        if not stored and known > 0 then
          hold = now + known
          redis.call('SET', KEYS[3], string.format('%d', hold), 'PX', math.floor(known / 1000) + 1000)
        end
        local slot = now + tonumber(ARGV[4])
        for i = 1, 3 do
          local v = tonumber(redis.call('GET', KEYS[i]) or '0') or 0
          if v > slot then slot = v end
        end
        local wait = slot - now
        if wait > tonumber(ARGV[3]) then return {0, wait, wait, hold - now} end
        local last = slot
        for i = 1, 2 do
          local nextSlot = slot + tonumber(ARGV[i])
          if nextSlot > last then last = nextSlot end
          redis.call('SET', KEYS[i], string.format('%d', nextSlot), 'PX', math.floor((nextSlot - now) / 1000) + 1000)
        end
        return {1, wait, last - now, hold - now}
        """;

    /// <summary>
    /// KEYS: hold. ARGV: how far ahead (microseconds) the hold ends, the channel to announce it on. Extends the hold,
    /// never shortens it, and publishes how far ahead the fleet's hold now ends, so every process learns it at once.
    /// </summary>
    public const string Hold = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local ends = now + tonumber(ARGV[1])
        local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
        if ends > current then
          redis.call('SET', KEYS[1], string.format('%d', ends), 'PX', math.floor(tonumber(ARGV[1]) / 1000) + 1000)
          current = ends
        end
        redis.call('PUBLISH', ARGV[2], string.format('%d', current - now))
        return 0
        """;
}
