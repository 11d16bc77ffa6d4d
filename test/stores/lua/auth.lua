-- Runs Prosody's own account code (core.usermanager with mod_auth_internal_hashed or
-- mod_auth_internal_plain, the modules prosodyctl adduser/passwd and c2s logins use) on a data
-- store that xmppstore also reads and writes, for the accounts interop tests.
--
--   echo REQUEST.json | lua5.4 auth.lua
--
-- REQUEST = { "data_path": ABSOLUTE_PATH, "host": HOST, "options": { storage, sql, authentication,
--             password_hash, default_iteration_count, ... },
--             "ops": [ { "op": "create" | "test" | "set_password" | "exists" | "enabled" | "disable", "user": U, "password": P } ] }
-- ("enabled" and "disable" are Prosody 13's usermanager.user_is_enabled / disable_user.)
-- Prints one JSON line: { "results": [ { "ok": true|false, "error": "..." } ] }.
-- Boots Prosody 0.12 or 13 (boot.lua: $PROSODY_SRCDIR picks the installation).
local boot = dofile(((arg and arg[0] or ""):match("^(.*)/[^/]*$") or ".") .. "/../../interop/harness/boot.lua");

local json = boot.require "util.json";
local request = json.decode(io.read("a"));
local cm = boot.start(request.data_path, "prosodyctl");
for name, value in pairs(request.options or {}) do cm.set(request.host, name, value); end

local sm = boot.require "core.storagemanager";
sm.olddm.set_data_path(request.data_path);
local um = boot.require "core.usermanager";
assert(boot.require "core.hostmanager".activate(request.host, {}));

local results = {};
for i, op in ipairs(request.ops) do
	local ok, err;
	if op.op == "create" then ok, err = um.create_user(op.user, op.password, request.host);
	elseif op.op == "test" then ok, err = um.test_password(op.user, request.host, op.password);
	elseif op.op == "set_password" then ok, err = um.set_password(op.user, op.password, request.host);
	elseif op.op == "exists" then ok, err = um.user_exists(op.user, request.host);
	elseif op.op == "enabled" then ok, err = um.user_is_enabled(op.user, request.host);
	elseif op.op == "disable" then ok, err = um.disable_user(op.user, request.host);
	else error("unknown op " .. tostring(op.op)) end
	results[i] = { ok = ok and true or false, error = err and tostring(err) or nil };
end
io.stdout:write(json.encode({ results = results }), "\n");
