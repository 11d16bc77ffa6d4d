-- Reads a configuration file with Prosody 13's own configmanager and prints the named global
-- options as JSON, one "NAME<TAB>JSON" line each, or "ERR<TAB>message" when it refuses the file.
--   PROSODY_SRCDIR=~/.cache/prosody13 lua5.4 prosody13-config.lua FILE NAME...
local source_dir = assert(os.getenv("PROSODY_SRCDIR"), "PROSODY_SRCDIR must name Prosody 13's source tree");
package.path = source_dir .. "/?.lua;" .. package.path;
package.cpath = source_dir .. "/?.so;" .. package.cpath;
require "loader";
local configmanager = require "prosody.core.configmanager";
local json = require "prosody.util.json";
local credentials = os.getenv("CREDENTIALS_DIRECTORY");
if credentials then
	configmanager.set_credentials_directory(credentials);
else
	configmanager.set_credential_fallback_mode("error"); -- as the server itself (util.startup)
end
local ok, _, err = configmanager.load(arg[1]);
if not ok then
	print("ERR\t" .. tostring(err));
	return;
end
for i = 2, #arg do
	print(arg[i] .. "\t" .. json.encode(configmanager.get("*", arg[i])));
end
