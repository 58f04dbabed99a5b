#!lua
--[[
  commit-transitions: applies a batch of transitions in order. Each one is guarded by its rev
  (compare-and-set) and writes its binding hash, indexes, expiry timer and outbox events
  together, or (refused) nothing; a refused one does not stop the next, and each sees the
  ones before it. The whole call is one script, so Redis runs it at once or not at all.
  The number of keys varies (8 + one per transition): the caller passes numkeys.

  KEYS[1] MAC index       {dxgw:<site>}:idx:mac   <vr>|<mac>      -> <vr>|<ip>
  KEYS[2] client-id index {dxgw:<site>}:idx:cid   <vr>|<clientId> -> <vr>|<ip>
  KEYS[3] interface index {dxgw:<site>}:idx:if    <name>          -> <vr>|<ip>
  KEYS[4] expiry zset     {dxgw:<site>}:expiry    <vr>|<ip> scored by expiresAt (ms)
  KEYS[5] seq hash        {dxgw:<site>}:seq       <vr>|<ip> -> last seq, for addresses without a
                          binding (a binding keeps its lane's last seq in its own field Q)
  KEYS[6] outbox stream   {dxgw:<site>}:outbox
  KEYS[7] stats hash      {dxgw:<site>}:stats   counters, and bindings:<state code> by state
  KEYS[8] event id index  {dxgw:<site>}:outbox:ids  <eventId> -> stream id of its entry
  KEYS[8 + n] lease hash  {dxgw:<site>}:lease:<vr>:<ip> of the n-th transition

  ARGV[1] the batch, MessagePack (src/leases/redis/msgpack-writer.ts; every scalar a string):
    [ counters, transition, … ] with one transition per lease key, in order:
    counters   {name, increment, …}: added when any transition of the call applies
    put        {'p', lane <vr>|<ip>, expectRev (0 = must not exist), vr,
                new MAC index field <vr>|<mac>,
                new client-id index field <vr>|<clientId>, or '' (no client id),
                new interface name, or '' (no interface),
                timer score (expiresAt ms), or '' (infinite lease: no timer),
                {field, value, …} (the whole new hash),
                {sessionId, JSON body, …} (its events)}
    delete     {'d', lane, expectRev, vr, {sessionId, JSON body, …}}

  Returns one reply per transition, in order:
    {1, seq, …}       applied; the seqs given to its events, in order
    {-1, currentRev}  conflict: the stored rev is not expectRev; nothing written
    {-2}              interface-taken (put): another binding owns the name; nothing written
]]
local macIdx, cidIdx, ifIdx, expiry = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local seqKey, outbox, stats, ids = KEYS[5], KEYS[6], KEYS[7], KEYS[8]

local states = {}   -- bindings:<code> -> net change, written once at the end
local idPairs = {}  -- event id, stream id, …: one HSET per about 500 events (unpack has a stack limit)
local function flushIds()
  if #idPairs > 0 then redis.call('HSET', ids, unpack(idPairs)) end
  idPairs = {}
end
local function countState(old, new)
  if old == new then return end
  if old then states[old] = (states[old] or 0) - 1 end
  if new then states[new] = (states[new] or 0) + 1 end
end

-- Removes an index entry of the stored binding, unless it is the one being kept or it now
-- points at another address.
local function unindex(indexKey, field, keep, lane)
  if field and field ~= keep and redis.call('HGET', indexKey, field) == lane then
    redis.call('HDEL', indexKey, field)
  end
end

-- Appends a transition's events ({sessionId, body, …}) after the lane's last seq `base`.
-- Returns the reply {1, seq, …} and the lane's new last seq.
local function appendEvents(lane, events, base)
  local out, seq = {1}, base
  for e = 1, #events, 2 do
    seq = seq + 1
    local id = events[e] .. '-' .. seq
    local position = redis.call('XADD', outbox, '*', 'seq', seq, 'id', id, 'lane', lane, 'body', events[e + 1])
    idPairs[#idPairs + 1] = id
    idPairs[#idPairs + 1] = position
    out[#out + 1] = seq
  end
  if #idPairs >= 1000 then flushIds() end
  return out, seq
end

-- The lane's last seq: in the binding hash (field Q) while it lives, else in the seq hash,
-- which keeps it for addresses without a binding (and for bindings written before Q).
-- The second result tells that it came from the seq hash.
local function lastSeq(lane, q)
  if q then return tonumber(q) or 0, false end
  local kept = redis.call('HGET', seqKey, lane)
  return tonumber(kept) or 0, kept ~= false
end

local function put(lease, t)
  local lane, vr, macField, fields = t[2], t[4], t[5], t[9]
  local cur = redis.call('HMGET', lease, 'r', 'm', 'c', 'i', 't', 'Q')
  local rev = tonumber(cur[1]) or 0
  if rev ~= tonumber(t[3]) then return {-1, rev} end

  local newIf = false
  if t[7] ~= '' then
    newIf = t[7]
    local owner = redis.call('HGET', ifIdx, newIf)
    if owner and owner ~= lane then return {-2} end
  end
  local newCid = false
  if t[6] ~= '' then newCid = t[6] end

  -- Index entries of the stored binding that the new one no longer has.
  if cur[2] then unindex(macIdx, vr .. '|' .. cur[2], macField, lane) end
  if cur[3] then unindex(cidIdx, vr .. '|' .. cur[3], newCid, lane) end
  if cur[4] then unindex(ifIdx, cur[4], newIf, lane) end
  redis.call('HSET', macIdx, macField, lane)
  if newCid then redis.call('HSET', cidIdx, newCid, lane) end
  if newIf then redis.call('HSET', ifIdx, newIf, lane) end

  local base, kept = lastSeq(lane, cur[6])
  local reply, seq = appendEvents(lane, t[10], base)
  redis.call('DEL', lease)
  redis.call('HSET', lease, unpack(fields))
  if seq > 0 then redis.call('HSET', lease, 'Q', seq) end
  if kept then redis.call('HDEL', seqKey, lane) end
  local newState = false
  for j = 1, #fields, 2 do
    if fields[j] == 't' then newState = fields[j + 1] end
  end
  countState(cur[5] or false, newState)

  if t[8] == '' then redis.call('ZREM', expiry, lane) else redis.call('ZADD', expiry, t[8], lane) end
  return reply
end

local function delete(lease, t)
  local lane, vr = t[2], t[4]
  local cur = redis.call('HMGET', lease, 'r', 'm', 'c', 'i', 't', 'Q')
  local rev = tonumber(cur[1]) or 0
  if rev ~= tonumber(t[3]) then return {-1, rev} end
  if cur[2] then unindex(macIdx, vr .. '|' .. cur[2], false, lane) end
  if cur[3] then unindex(cidIdx, vr .. '|' .. cur[3], false, lane) end
  if cur[4] then unindex(ifIdx, cur[4], false, lane) end
  countState(cur[5] or false, false)
  local base = lastSeq(lane, cur[6])
  local reply, seq = appendEvents(lane, t[5], base)
  -- The binding goes: its lane's seq stays in the seq hash for the next binding there.
  if cur[6] or seq > base then redis.call('HSET', seqKey, lane, seq) end
  redis.call('DEL', lease)
  redis.call('ZREM', expiry, lane)
  return reply
end

local batch = cmsgpack.unpack(ARGV[1])
local replies, applied = {}, false
for n = 9, #KEYS do
  local t = batch[n - 7]
  local reply
  if t[1] == 'p' then reply = put(KEYS[n], t) else reply = delete(KEYS[n], t) end
  if reply[1] == 1 then applied = true end
  replies[#replies + 1] = reply
end

flushIds()
for code, change in pairs(states) do
  if change ~= 0 then redis.call('HINCRBY', stats, 'bindings:' .. code, change) end
end
if applied then
  local counters = batch[1]
  for j = 1, #counters, 2 do redis.call('HINCRBY', stats, counters[j], counters[j + 1]) end
end
return replies
