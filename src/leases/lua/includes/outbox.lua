--[[
  Shared by the transition scripts (inlined at load by src/leases/redis/scripts.ts).

  appendEvents(seqKey, outboxKey, idsKey, lane, i): reads E = ARGV[i], then E pairs
  (sessionId, body) from ARGV[i+1 ..]; per event bumps the lane's seq (HINCRBY seqKey lane 1),
  appends to the outbox stream: seq, id = <sessionId>-<seq>, lane, body (the JSON draft
  exactly as Node sent it: never decoded or re-encoded here), and indexes the event id to its
  stream id (HSET idsKey id <stream id>: the resync cursor, docs/events.md). The outbox is
  trimmed by trim-outbox-4.lua, never here. Returns {1, seq, …} and the index after the events.

  bumpCounters(statsKey, i): HINCRBY statsKey for each (name, increment) pair from ARGV[i]
  to the end of ARGV.

  countState(statsKey, old, new): keeps `bindings:<state code>` in statsKey (bindings by
  state, read in O(1) by the API) as a binding goes from state old to new (false = none).
]]
local function appendEvents(seqKey, outboxKey, idsKey, lane, i)
  local out = {1}
  local n = tonumber(ARGV[i])
  i = i + 1
  for _ = 1, n do
    local seq = redis.call('HINCRBY', seqKey, lane, 1)
    local id = ARGV[i] .. '-' .. seq
    local position = redis.call('XADD', outboxKey, '*', 'seq', seq, 'id', id, 'lane', lane, 'body', ARGV[i + 1])
    redis.call('HSET', idsKey, id, position)
    out[#out + 1] = seq
    i = i + 2
  end
  return out, i
end

local function bumpCounters(statsKey, i)
  while i < #ARGV do
    redis.call('HINCRBY', statsKey, ARGV[i], ARGV[i + 1])
    i = i + 2
  end
end

-- Removes an index entry of the stored binding, unless it is the one being kept or it now
-- points at another address.
local function unindex(indexKey, field, keep, lane)
  if field and field ~= keep and redis.call('HGET', indexKey, field) == lane then
    redis.call('HDEL', indexKey, field)
  end
end

local function countState(statsKey, old, new)
  if old == new then return end
  if old then redis.call('HINCRBY', statsKey, 'bindings:' .. old, -1) end
  if new then redis.call('HINCRBY', statsKey, 'bindings:' .. new, 1) end
end
