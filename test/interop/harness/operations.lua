-- The operations of the storage harness (storage.lua): each takes one request entry, calls
-- Prosody's storage API and returns a result table that dumpvalue encodes. Field names are the
-- request's; see test/helpers/prosody.ts for the TypeScript view of each operation.

local now = require "util.time".now;

return function(sm, dv)
	local null, array = dv.null, dv.array;

	-- A request field, with JSON null read as Lua nil (a host-wide user, a deleted value).
	local function field(op, name)
		local v = op[name];
		if v == null then return nil; end
		return v;
	end

	-- A value decoded ahead of time (by the bench loop, so decoding is not timed).
	local predecoded_mt = {};
	local function decode(v)
		if getmetatable(v) == predecoded_mt then return v.value; end
		return dv.decode(v);
	end

	-- Stored values arrive VALUE-encoded; nil (absent or null) means "delete".
	local function value_field(op, name)
		local v = field(op, name);
		if v == nil then return nil; end
		return decode(v);
	end

	local function fail(err)
		if type(err) == "table" then
			error({ condition = err.condition or err.type, text = tostring(err.text or err.condition or err) }, 0);
		end
		local text = tostring(err);
		error({ condition = text:match("^[%a-]+$") and text or nil, text = text }, 0);
	end

	-- Prosody's methods fail with `nil, err` (or `false, err`); other results pass through.
	local function check(result, err, ...)
		if (result == nil or result == false) and err ~= nil then fail(err); end
		return result, err, ...;
	end

	local opened = {};
	local function open(op, typ)
		local host, store = assert(field(op, "host"), "host missing"), assert(field(op, "store"), "store missing");
		local id = host .. "\0" .. store .. "\0" .. (typ or "keyval");
		if opened[id] then return opened[id]; end
		local _, driver_name = sm.get_driver(host, store);
		if driver_name == "null" then
			fail(("no storage driver could be loaded for %s on %s (Prosody fell back to null)"):format(store, host));
		end
		opened[id] = check(sm.open(host, store, typ));
		return opened[id];
	end

	local function list(iterator, state, first)
		local out = array({});
		for v in iterator, state, first do out[#out + 1] = v; end
		return out;
	end

	-- Archive queries cross as plain JSON; only `ids` needs to be a Lua list.
	local function query_field(op)
		local q = field(op, "query");
		if q == nil then return nil; end
		local query = {};
		for k, v in pairs(q) do
			if v ~= null then query[k] = v; end
		end
		return query;
	end

	local run_op;
	local handlers = {};

	handlers["keyval.get"] = function(op)
		return { value = check(open(op):get(field(op, "user"))) };
	end
	handlers["keyval.set"] = function(op)
		check(open(op):set(field(op, "user"), value_field(op, "value")));
		return {};
	end
	handlers["keyval.users"] = function(op)
		return { users = list(check(open(op):users())) };
	end

	handlers["map.get"] = function(op)
		return { value = check(open(op, "map"):get(field(op, "user"), field(op, "key"))) };
	end
	handlers["map.set"] = function(op)
		check(open(op, "map"):set(field(op, "user"), field(op, "key"), value_field(op, "value")));
		return {};
	end
	handlers["map.set_keys"] = function(op)
		local store = open(op, "map");
		local values = {};
		for k, v in pairs(field(op, "values") or {}) do values[k] = decode(v); end
		for _, k in ipairs(field(op, "remove") or {}) do values[k] = store.remove; end
		check(store:set_keys(field(op, "user"), values));
		return {};
	end
	handlers["map.get_all"] = function(op)
		return { value = check(open(op, "map"):get_all(field(op, "key"))) };
	end
	handlers["map.delete_all"] = function(op)
		check(open(op, "map"):delete_all(field(op, "key")));
		return {};
	end

	handlers["archive.append"] = function(op)
		local id = check(open(op, "archive"):append(field(op, "user"), field(op, "key"), value_field(op, "value"),
			field(op, "when"), field(op, "with")));
		return { id = id };
	end
	handlers["archive.find"] = function(op)
		local iter, total = check(open(op, "archive"):find(field(op, "user"), query_field(op)));
		local items = array({});
		for id, value, when, with in iter do
			items[#items + 1] = { id = id, value = value, when = when, with = with };
		end
		return { items = items, total = total };
	end
	handlers["archive.get"] = function(op)
		local value, when, with = check(open(op, "archive"):get(field(op, "user"), field(op, "id")));
		return { value = value, when = when, with = with };
	end
	handlers["archive.set"] = function(op)
		local result = check(open(op, "archive"):set(field(op, "user"), field(op, "id"), value_field(op, "value"),
			field(op, "when"), field(op, "with")));
		return { result = result };
	end
	handlers["archive.delete"] = function(op)
		return { deleted = check(open(op, "archive"):delete(field(op, "user"), query_field(op))) };
	end
	handlers["archive.summary"] = function(op)
		return { summary = check(open(op, "archive"):summary(field(op, "user"), query_field(op))) };
	end
	handlers["archive.users"] = function(op)
		return { users = list(check(open(op, "archive"):users())) };
	end
	handlers["archive.caps"] = function(op)
		return { caps = open(op, "archive").caps or {} };
	end

	-- Which backend Prosody resolved for a store ("internal", "sql", "null" when loading failed).
	handlers["driver"] = function(op)
		local _, name = sm.get_driver(assert(field(op, "host"), "host missing"), field(op, "store"));
		return { driver = name };
	end
	-- driver:stores(user): user a name, null (host-wide) or true (every user); Prosody 0.12's
	-- only discovery.
	handlers["stores"] = function(op)
		local driver = sm.get_driver(assert(field(op, "host"), "host missing"), field(op, "store"));
		if not driver.stores then fail("the driver cannot list stores"); end
		return { stores = list(check(driver:stores(field(op, "user")))) };
	end
	handlers["purge"] = function(op)
		check(sm.purge(field(op, "user"), assert(field(op, "host"), "host missing")));
		return {};
	end

	-- Runs `body` n times, timed inside Lua. `vary` names body fields to change per iteration:
	-- a string is a format for string.format(fmt, i), a number a base to which i is added;
	-- with `cycle`, i runs 1..cycle over and over (e.g. reading back the users written).
	-- Values are decoded once, before timing starts; results are not encoded.
	handlers["bench"] = function(op)
		local n, body, vary = assert(field(op, "n"), "n missing"), assert(field(op, "body"), "body missing"), field(op, "vary") or {};
		local cycle = field(op, "cycle");
		local template = {};
		for k, v in pairs(body) do template[k] = v; end
		local handler = assert(handlers[template.op], "unknown operation " .. tostring(template.op));
		if template.value ~= nil and template.value ~= null then
			template.value = setmetatable({ value = dv.decode(template.value) }, predecoded_mt);
		end
		if type(template.values) == "table" then
			local values = {};
			for k, v in pairs(template.values) do values[k] = setmetatable({ value = dv.decode(v) }, predecoded_mt); end
			template.values = values;
		end
		local prepared = setmetatable({}, { __index = template });
		local counted = 0;
		local started = now();
		for iteration = 1, n do
			local i = cycle and (iteration - 1) % cycle + 1 or iteration;
			for k, pattern in pairs(vary) do
				prepared[k] = type(pattern) == "string" and pattern:format(i) or pattern + i;
			end
			local result = handler(prepared);
			if result.items then counted = counted + #result.items; end
		end
		local seconds = now() - started;
		return { seconds = seconds, n = n, items = counted };
	end

	function run_op(op)
		local handler = handlers[op.op];
		if not handler then return { ok = false, error = "unknown operation " .. tostring(op.op) }; end
		local ok, result = pcall(handler, op);
		if ok then
			result.ok = true;
			return result;
		end
		if type(result) == "table" then
			return { ok = false, error = result.text, condition = result.condition };
		end
		return { ok = false, error = tostring(result) };
	end

	return { run = run_op };
end
