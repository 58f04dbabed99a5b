#!lua
--[[
  claim-expired: takes up to `limit` due timers and pushes each to `claimUntil`, so another
  sweeper does not take them and a crashed sweeper's claim comes back when it runs out.

  KEYS[1] expiry zset {dxgw:<site>}:expiry  (<vr>|<ip> scored by expiresAt ms)

  ARGV[1] now (ms): timers scored <= now are due
  ARGV[2] limit: at most this many
  ARGV[3] claimUntil (ms): the new score of each claimed timer

  Returns the claimed lanes (<vr>|<ip>), earliest first.
]]
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, lane in ipairs(due) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[3], lane)
end
return due
