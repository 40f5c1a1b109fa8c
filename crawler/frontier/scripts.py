"""The Lua scripts that move requests between a frontier's queue and its nodes' hands.

Each runs atomically in Redis, so a request is always in exactly one place: the queue, or the
in-hand set of one node. scrapy-redis's own pop (ZRANGE + ZREMRANGEBYRANK in MULTI) removes a
request from Redis the moment a node takes it, and its fingerprint is in the seen set already:
a node killed with -9 would lose every request it held. Here the pop moves it into the node's
in-hand set instead, and `RECLAIM` gives the requests of a node whose lease expired back to
the queue.
"""

from __future__ import annotations

# KEYS: queue, in-hand of this node. The request with the lowest score (highest priority).
POP = """
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return false end
redis.call('ZREM', KEYS[1], item[1])
redis.call('ZADD', KEYS[2], item[2], item[1])
return item[1]
"""

# KEYS: queue, in-hand of this node. ARGV: requests to put back (a crawl ending dropped them).
GIVE_BACK = """
local moved = 0
for _, member in ipairs(ARGV) do
  local score = redis.call('ZSCORE', KEYS[2], member)
  if score then
    redis.call('ZADD', KEYS[1], score, member)
    redis.call('ZREM', KEYS[2], member)
    moved = moved + 1
  end
end
return moved
"""

# ARGV: the frontier's key prefix. Every node without a live lease: its requests back to the
# queue, the node forgotten. Key names are built here (one Redis server, never a cluster).
RECLAIM = """
local base = ARGV[1]
local moved = 0
for _, node in ipairs(redis.call('SMEMBERS', base .. ':nodes')) do
  if redis.call('EXISTS', base .. ':lease:' .. node) == 0 then
    local hand = base .. ':inhand:' .. node
    local items = redis.call('ZRANGE', hand, 0, -1, 'WITHSCORES')
    for i = 1, #items, 2 do
      redis.call('ZADD', base .. ':requests', items[i + 1], items[i])
      moved = moved + 1
    end
    redis.call('DEL', hand)
    redis.call('SREM', base .. ':nodes', node)
  end
end
return moved
"""

# ARGV: prefix, this node. Requests queued, plus those in the hands of other nodes (they may
# lead to more, or come back when their node dies): while there are any, this node waits.
PENDING = """
local base = ARGV[1]
local count = redis.call('ZCARD', base .. ':requests')
if count > 0 then return count end
for _, node in ipairs(redis.call('SMEMBERS', base .. ':nodes')) do
  if node ~= ARGV[2] then count = count + redis.call('ZCARD', base .. ':inhand:' .. node) end
end
return count
"""
