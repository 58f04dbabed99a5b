#!lua
--[[
  delete-binding: removes one binding, atomically with its indexes (only entries that still
  point at it), its expiry timer, and appends its events and counters. Guarded by rev.

  KEYS[1] lease hash      {dxgw:<site>}:lease:<vr>:<ip>
  KEYS[2] MAC index       {dxgw:<site>}:idx:mac
  KEYS[3] client-id index {dxgw:<site>}:idx:cid
  KEYS[4] interface index {dxgw:<site>}:idx:if
  KEYS[5] expiry zset     {dxgw:<site>}:expiry
  KEYS[6] seq hash        {dxgw:<site>}:seq
  KEYS[7] outbox stream   {dxgw:<site>}:outbox
  KEYS[8] stats hash      {dxgw:<site>}:stats   counters, and bindings:<state code> by state
  KEYS[9] event id index  {dxgw:<site>}:outbox:ids

  ARGV[1]  lane: <vr>|<ip>
  ARGV[2]  expectRev (0 = must not exist: then only the events and counters are written)
  ARGV[3]  vr
  ARGV[4]  E: number of events, then E pairs (sessionId, JSON body)
  then     counter name, increment, … to the end

  Returns
    {1, seq, …}       applied; the seqs given to the events, in order
    {-1, currentRev}  conflict: the stored rev is not expectRev; nothing written
]]
--- @include "outbox"

local lease, lane, vr = KEYS[1], ARGV[1], ARGV[3]
local cur = redis.call('HMGET', lease, 'r', 'm', 'c', 'i', 't')
local rev = tonumber(cur[1]) or 0
if rev ~= tonumber(ARGV[2]) then
  return {-1, rev}
end

if cur[2] then unindex(KEYS[2], vr .. '|' .. cur[2], false, lane) end
if cur[3] then unindex(KEYS[3], vr .. '|' .. cur[3], false, lane) end
if cur[4] then unindex(KEYS[4], cur[4], false, lane) end
if cur[5] then countState(KEYS[8], cur[5], false) end
redis.call('DEL', lease)
redis.call('ZREM', KEYS[5], lane)

local out, i = appendEvents(KEYS[6], KEYS[7], KEYS[9], lane, 4)
bumpCounters(KEYS[8], i)
return out
