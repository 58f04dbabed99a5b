#!lua
--[[
  trim-outbox: removes the oldest outbox entries that every consumer has passed and that are
  outside retention, with their event id index entries. An entry goes when it is at or before
  the bridge checkpoint (moved into the queues) AND (it is beyond the newest maxEvents OR
  older than maxAgeMs by Redis' clock). Both conditions hold for a prefix of the stream, so
  this removes a prefix, at most `limit` entries per call (call again while it returns
  `limit`). Safe to run from several processes: each call is atomic and only removes what is
  removable at that moment.

  KEYS[1] outbox stream     {dxgw:<site>}:outbox
  KEYS[2] event id index    {dxgw:<site>}:outbox:ids      <eventId> -> stream id
  KEYS[3] bridge checkpoint {dxgw:<site>}:outbox:bridge   last stream id moved into the queues
  KEYS[4] trim mark         {dxgw:<site>}:outbox:trimmed  newest stream id ever trimmed

  ARGV[1] maxEvents: keep at least the newest this many entries
  ARGV[2] maxAgeMs: keep at least the entries younger than this (stream ids carry Redis' ms clock)
  ARGV[3] limit: remove at most this many entries in this call
  ARGV[4] '1': a bridge consumes the outbox, so nothing goes without a checkpoint;
          '0': no bridge is configured; a checkpoint, if one exists, is still respected

  Returns {removed, trimmedThrough, held, remaining}
    removed         entries removed by this call
    trimmedThrough  stream id of the newest removed entry, or '' when none
    held            1 when the next entry is outside retention but the bridge has not moved it
    remaining       entries left in the stream
]]
local outbox, ids, checkpointKey, markKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local maxEvents, maxAgeMs, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])

local len = redis.call('XLEN', outbox)
local excess = len - maxEvents
local t = redis.call('TIME')
local cutoff = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - maxAgeMs

-- Outside retention: the i-th entry from the start (1-based, before this call) with id `id`.
local function outside(i, id)
  return i <= excess or tonumber(string.match(id, '^(%d+)')) < cutoff
end

local function fieldOf(fields, name)
  for j = 1, #fields, 2 do
    if fields[j] == name then return fields[j + 1] end
  end
  return nil
end

local checkpoint = redis.call('GET', checkpointKey)
if not checkpoint then
  if ARGV[4] == '1' then
    local first = redis.call('XRANGE', outbox, '-', '+', 'COUNT', 1)[1]
    return {0, '', (first and outside(1, first[1])) and 1 or 0, len}
  end
  checkpoint = '+'
end

local entries = redis.call('XRANGE', outbox, '-', checkpoint, 'COUNT', limit)
local removed, last = 0, nil
for i, entry in ipairs(entries) do
  if not outside(i, entry[1]) then break end
  local id = fieldOf(entry[2], 'id')
  if id then redis.call('HDEL', ids, id) end
  removed, last = i, entry[1]
end

local held = 0
if removed == #entries and removed < limit and checkpoint ~= '+' then
  -- Stopped at the checkpoint: is the first unmoved entry overdue?
  local nextEntry = redis.call('XRANGE', outbox, '(' .. checkpoint, '+', 'COUNT', 1)[1]
  if nextEntry and outside(removed + 1, nextEntry[1]) then held = 1 end
end

if removed == 0 then return {0, '', held, len} end
-- MINID keeps ids >= the one right after `last` (same ms, sequence + 1).
local ms, sq = string.match(last, '^(%d+)-(%d+)$')
redis.call('XTRIM', outbox, 'MINID', ms .. '-' .. string.format('%.0f', tonumber(sq) + 1))
redis.call('SET', markKey, last)
return {removed, last, held, len - removed}
