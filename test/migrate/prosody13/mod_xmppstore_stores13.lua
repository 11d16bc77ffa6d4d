-- A test module for Prosody 13's prosodyctl: writes 13's account and role data and its newer
-- stores through 13's own usermanager and storage API, in the shapes 13's modules use, and reads
-- them back as one deterministic text.
--   prosodyctl --config CFG mod_xmppstore_stores13 write HOST
--   prosodyctl --config CFG mod_xmppstore_stores13 read HOST    (prints "DATA <text>")
local st = require "prosody.util.stanza";

local function stores(host)
	local sm = require "prosody.core.storagemanager";
	return function(name, kind) return assert(sm.open(host, name, kind)); end
end

local function write(host)
	local open = stores(host);
	local um = require "prosody.core.usermanager";
	-- Accounts with created/updated, one disabled with disabled_meta; roles primary and secondary.
	assert(um.create_user("alice", "alice-secret", host));
	assert(um.create_user("bob", "bob-secret", host));
	assert(um.create_user("mallory", "mallory-secret", host));
	assert(um.disable_user("mallory", host, { reason = "spam", by = "admin@" .. host, when = 1712000000 }));
	assert(um.set_user_role("alice", host, "prosody:admin"));
	assert(um.set_user_role("bob", host, "prosody:operator"));
	assert(um.add_user_secondary_role("bob", host, "prosody:admin"));
	-- mod_flags
	local flags = open("account_flags", "keyval+");
	assert(flags:set_key("mallory", "hibernating", { when = 1712000100, comment = "inactive" }));
	assert(flags:set_key("mallory", "deleted", { when = 1712000200 }));
	-- mod_account_activity (its store is named after the module) and mod_lastlog2's old data
	assert(open("account_activity", "keyval+"):set_key("alice", "timestamp", 1712000300));
	assert(open("lastlog2", "keyval+"):set("bob", {
		login = { timestamp = 1711000000, ip = "192.0.2.1" },
		logout = { timestamp = 1711000600 },
		registered = { timestamp = 1700000000 },
	}));
	-- mod_user_account_management's pending deletions
	assert(open("accounts_cleanup"):set("mallory", { deleted_at = 1712000400, pending_until = 1712605200, client_id = "c1" }));
	-- mod_vcard on a MUC host keeps room vCards in vcard_muc
	local vcard = st.stanza("vCard", { xmlns = "vcard-temp" }):tag("FN"):text("Lounge"):up();
	assert(open("vcard_muc"):set("lounge", st.preserialize(vcard)));
	-- mod_cron: host-wide map of task id -> last run
	local cron = open("cron", "map");
	assert(cron:set(nil, "mod_mam/expire_archives", 1712000500));
	assert(cron:set(nil, "mod_invites/cleanup", 1712000600.5));
	-- mod_tokenauth's grants
	assert(open("auth_tokens", "keyval+"):set_key("alice", "grant-1", {
		id = "grant-1", owner = "alice@" .. host, created = 1712000000, accessed = 1712000700, expires = 1713209600,
		jid = "alice@" .. host, resource = "phone", data = { oauth2_scopes = "xmpp" },
		tokens = { ["sha256:0123abcd"] = { created = 1712000000, expires = 1712003600, purpose = "xmpp" } },
	}));
	-- mod_invites: account invites host-wide, contact invites per user
	local invites = open("invite_token", "map");
	assert(invites:set(nil, "TOKEN1", {
		type = "register", token = "TOKEN1", allow_registration = true, uri = "xmpp:" .. host .. "?register;preauth=TOKEN1",
		created_at = 1712000000, expires = 1712604800, reusable = false, additional_data = { groups = { "friends" } },
	}));
	assert(invites:set("alice", "TOKEN2", 1712604800));
end

local function text(value)
	if type(value) ~= "table" then return type(value) == "string" and ("%q"):format(value) or tostring(value); end
	local keys = {};
	for k in pairs(value) do table.insert(keys, k); end
	table.sort(keys, function(a, b) return tostring(a) < tostring(b); end);
	local parts = {};
	for _, k in ipairs(keys) do table.insert(parts, "[" .. text(k) .. "]=" .. text(value[k])); end
	return "{" .. table.concat(parts, ",") .. "}";
end

local function read(host)
	local open = stores(host);
	local out = {};
	local function add(store, user, value) table.insert(out, store .. "/" .. tostring(user) .. "=" .. text(value)); end
	for _, user in ipairs({ "alice", "bob", "mallory" }) do
		local account = open("accounts"):get(user);
		add("accounts", user, { created = account.created, updated = account.updated, disabled = account.disabled,
			disabled_meta = account.disabled_meta, iteration_count = account.iteration_count, salt = account.salt });
		for _, store in ipairs({ "account_roles", "account_flags", "account_activity", "lastlog2", "accounts_cleanup", "auth_tokens" }) do
			add(store, user, open(store):get(user));
		end
	end
	add("vcard_muc", "lounge", open("vcard_muc"):get("lounge"));
	add("cron", nil, open("cron"):get(nil));
	add("invite_token", nil, open("invite_token"):get(nil));
	add("invite_token", "alice", open("invite_token"):get("alice"));
	print("DATA " .. table.concat(out, "\n"));
end

function module.command(arg)
	local action, host = arg[1], arg[2];
	require "prosody.core.storagemanager".initialize_host(host);
	require "prosody.core.usermanager".initialize_host(host);
	if action == "write" then write(host); else read(host); end
	return 0;
end
