-- A test module for Prosody 13's prosodyctl: prints the roles Prosody itself gives users, read
-- through its usermanager and mod_authz_internal (the code a running server asks).
--   prosodyctl --config CFG mod_xmppstore_roles HOST USER...
-- prints one line per user: "ROLE user primary secondary1,secondary2".
function module.command(arg)
	local host = table.remove(arg, 1);
	local storagemanager = require "prosody.core.storagemanager";
	local usermanager = require "prosody.core.usermanager";
	storagemanager.initialize_host(host);
	usermanager.initialize_host(host);
	for _, user in ipairs(arg) do
		local role = assert(usermanager.get_user_role(user, host));
		local secondary = {};
		for name in pairs(assert(usermanager.get_user_secondary_roles(user, host))) do
			table.insert(secondary, name);
		end
		table.sort(secondary);
		print(("ROLE %s %s %s"):format(user, role.name, table.concat(secondary, ",")));
	end
	return 0;
end
