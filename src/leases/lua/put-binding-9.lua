#!lua
--[[
  put-binding: creates or replaces one binding, atomically with its indexes, its expiry
  timer, its events and counters. Guarded by rev (compare-and-set).

  KEYS[1] lease hash      {dxgw:<site>}:lease:<vr>:<ip>
  KEYS[2] MAC index       {dxgw:<site>}:idx:mac   <vr>|<mac>      -> <vr>|<ip>
  KEYS[3] client-id index {dxgw:<site>}:idx:cid   <vr>|<clientId> -> <vr>|<ip>
  KEYS[4] interface index {dxgw:<site>}:idx:if    <name>          -> <vr>|<ip>
  KEYS[5] expiry zset     {dxgw:<site>}:expiry    <vr>|<ip> scored by expiresAt (ms)
  KEYS[6] seq hash        {dxgw:<site>}:seq       <vr>|<ip> -> last seq
  KEYS[7] outbox stream   {dxgw:<site>}:outbox
  KEYS[8] stats hash      {dxgw:<site>}:stats   counters, and bindings:<state code> by state
  KEYS[9] event id index  {dxgw:<site>}:outbox:ids  <eventId> -> stream id of its entry

  ARGV[1]  lane: <vr>|<ip>
  ARGV[2]  expectRev: rev the stored binding must have (0 = must not exist)
  ARGV[3]  vr
  ARGV[4]  new MAC index field <vr>|<mac>
  ARGV[5]  new client-id index field <vr>|<clientId>, or '' (no client id)
  ARGV[6]  new interface name prefixed with '+', or '' (no interface)
  ARGV[7]  timer score (expiresAt ms), or '' (infinite lease: no timer)
  ARGV[8]  F: number of hash field/value pairs, then F pairs (the whole new hash)
  then     E: number of events, then E pairs (sessionId, JSON body)
  then     counter name, increment, … to the end

  Returns
    {1, seq, …}       applied; the seqs given to the events, in order
    {-1, currentRev}  conflict: the stored rev is not expectRev; nothing written
    {-2}              interface-taken: another binding owns the name; nothing written
]]
--- @include "outbox"

local lease, lane, vr = KEYS[1], ARGV[1], ARGV[3]
local cur = redis.call('HMGET', lease, 'r', 'm', 'c', 'i', 't')
local rev = tonumber(cur[1]) or 0
if rev ~= tonumber(ARGV[2]) then
  return {-1, rev}
end

local newIf = false
if ARGV[6] ~= '' then
  newIf = string.sub(ARGV[6], 2)
  local owner = redis.call('HGET', KEYS[4], newIf)
  if owner and owner ~= lane then
    return {-2}
  end
end
local newCid = false
if ARGV[5] ~= '' then newCid = ARGV[5] end

-- Index entries of the stored binding that the new one no longer has.
if cur[2] then unindex(KEYS[2], vr .. '|' .. cur[2], ARGV[4], lane) end
if cur[3] then unindex(KEYS[3], vr .. '|' .. cur[3], newCid, lane) end
if cur[4] then unindex(KEYS[4], cur[4], newIf, lane) end

redis.call('HSET', KEYS[2], ARGV[4], lane)
if newCid then redis.call('HSET', KEYS[3], newCid, lane) end
if newIf then redis.call('HSET', KEYS[4], newIf, lane) end

local nf = tonumber(ARGV[8])
redis.call('DEL', lease)
redis.call('HSET', lease, unpack(ARGV, 9, 8 + 2 * nf))
local newState = false
for j = 9, 8 + 2 * nf, 2 do
  if ARGV[j] == 't' then newState = ARGV[j + 1] end
end
countState(KEYS[8], cur[5] or false, newState)

if ARGV[7] == '' then
  redis.call('ZREM', KEYS[5], lane)
else
  redis.call('ZADD', KEYS[5], ARGV[7], lane)
end

local out, i = appendEvents(KEYS[6], KEYS[7], KEYS[9], lane, 9 + 2 * nf)
bumpCounters(KEYS[8], i)
return out
