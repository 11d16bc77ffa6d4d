-- Boots the libraries of one Prosody installation standalone, for the interop harness scripts
-- (storage.lua, test/stores/lua/*.lua). Which installation: $PROSODY_SRCDIR (Prosody's own
-- variable for its source directory), else Debian's 0.12 in /usr/lib/prosody. Plugins are
-- looked up in $PROSODY_PLUGINDIR, else SRCDIR/modules (0.12) or SRCDIR/plugins (13).
--
--   local boot = dofile(HARNESS_DIR .. "/boot.lua");   -- sets package.path, CFG_*
--   boot.start(data_path, "migrator");                 -- util.startup as prosody-migrator does it
--   local sm = boot.require "core.storagemanager";
--
-- Prosody 13 names its modules prosody.util.x, prosody.core.x; its loader.lua (required here
-- first, as 13's launchers do) maps the old names too. boot.require asks for the name each
-- version uses, so both load one copy of each module.

local boot = {};

local source_dir = os.getenv("PROSODY_SRCDIR");
if source_dir == nil or source_dir == "" then source_dir = "/usr/lib/prosody"; end
source_dir = source_dir:gsub("/+$", "");

local function exists(path)
	local file = io.open(path, "rb");
	if file then file:close(); return true; end
	return false;
end

-- 13's source tree has loader.lua and plugins/; 0.12 (Debian) has neither.
boot.prefixed = exists(source_dir .. "/loader.lua");
boot.source_dir = source_dir;
local plugin_dir = os.getenv("PROSODY_PLUGINDIR");
if plugin_dir == nil or plugin_dir == "" then
	plugin_dir = source_dir .. (boot.prefixed and "/plugins/" or "/modules/");
end
boot.plugin_dir = plugin_dir;

package.path = source_dir .. "/?.lua;" .. package.path;
package.cpath = source_dir .. "/?.so;" .. package.cpath;

-- luacheck: ignore 111 (Prosody's launchers set these globals too)
CFG_SOURCEDIR = source_dir;
CFG_PLUGINDIR = plugin_dir;
CFG_CONFIGDIR = "/nonexistent-xmppstore-harness"; -- never read /etc/prosody

if boot.prefixed then require "loader"; end

--- require with the module name this Prosody uses ("util.x" or "prosody.util.x").
function boot.require(name)
	if boot.prefixed then return require("prosody." .. name); end
	return require(name);
end

--- Boots util.startup the way prosody-migrator does, without reading a config file or
--- switching user; stanzas cannot be sent. Autoloaded modules that need a running server are
--- disabled (mod_posix refuses to load as root in 0.12).
function boot.start(data_path, process_type)
	CFG_DATADIR = data_path;
	local startup = boot.require "util.startup";
	startup.init_global_state();
	prosody.process_type = process_type;
	prosody.paths.data = data_path;
	prosody.config_loaded = true; -- net.server refuses to load without it
	startup.load_libraries();
	prosody.core_post_stanza = function()
		error("stanzas cannot be sent from the storage harness", 0);
	end
	local cm = boot.require "core.configmanager";
	cm.set("*", "modules_disabled", { "posix", "presence", "message", "iq", "offline", "c2s", "s2s", "s2s_auth_certs" });
	cm.set("*", "data_path", data_path);
	return cm;
end

--- "0.12.3", "13.0.1", ...: the installation's prosody.version file.
function boot.version()
	local file = assert(io.open(source_dir .. "/prosody.version", "rb"));
	local version = file:read("l");
	file:close();
	return version;
end

return boot;
