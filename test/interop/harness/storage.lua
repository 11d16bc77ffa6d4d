-- Drives Prosody's own storage layer (0.12 or 13: see boot.lua) standalone, for xmppstore's interop tests.
--
--   lua5.4 storage.lua [REQUEST.json]      (the request is read from stdin without an argument)
--
-- Boots Prosody's libraries the way prosody-migrator does, activates the hosts of the request
-- with their options (storage = "internal" | "sql" | { store = backend }, sql = {...}, any other
-- option such as storage_archive_item_limit), runs the operations in order through
-- storagemanager, and prints one line of JSON as the last line of stdout:
--
--   { "ok": true, "results": [ { "ok": true, ... } | { "ok": false, "error": "...", "condition": "..." } ],
--     "log": [ "warn storagemanager: ..." ] }
--
-- A failing operation does not stop the others. Stored values (keyval data, archive items)
-- cross in the dump format's VALUE encoding (see dumpvalue.lua). The TypeScript side is
-- test/helpers/prosody.ts; the operations and their fields are documented there.

local harness_dir = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or ".";
package.path = harness_dir .. "/?.lua;" .. package.path;
local boot = dofile(harness_dir .. "/boot.lua");

local dv = require "dumpvalue";
local logger = boot.require "util.logger";

local log_lines = {};
logger.add_simple_sink(function(source, level, message)
	log_lines[#log_lines + 1] = level .. " " .. tostring(source) .. ": " .. tostring(message);
end, { "warn", "error" });

local request_text;
if arg[1] then
	local file = assert(io.open(arg[1], "rb"));
	request_text = file:read("a");
	file:close();
else
	request_text = io.read("a");
end

local function finish(response)
	response.log = dv.array(log_lines);
	io.stdout:write("\n", dv.json(response), "\n");
	io.stdout:flush();
end

local ok, request = pcall(dv.parse_json, request_text);
if not ok then
	finish({ ok = false, error = "bad request: " .. tostring(request) });
	os.exit(2);
end

local data_path = request.data_path;
if type(data_path) ~= "string" or data_path:sub(1, 1) ~= "/" then
	finish({ ok = false, error = "bad request: data_path must be an absolute path" });
	os.exit(2);
end
local cm = boot.start(data_path, "migrator");
for name, value in pairs(request.options or {}) do
	cm.set("*", name, dv.decode(value));
end

local sm = boot.require "core.storagemanager";
local hm = boot.require "core.hostmanager";
sm.olddm.set_data_path(data_path);

for host, options in pairs(request.hosts or {}) do
	for name, value in pairs(options) do
		cm.set(host, name, dv.decode(value));
	end
	local activated, err = hm.activate(host, {});
	if not activated then
		finish({ ok = false, error = ("cannot activate host %s: %s"):format(host, tostring(err)) });
		os.exit(1);
	end
end

local ops = require "operations"(sm, dv);

local results = {};
for i, op in ipairs(request.ops or {}) do
	results[i] = ops.run(op);
end
finish({ ok = true, results = dv.array(results) });
