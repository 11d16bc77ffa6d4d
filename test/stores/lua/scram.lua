-- Drives Prosody's own SCRAM code (util.sasl, util.hashes) for the accounts interop tests.
--   lua5.4 scram.lua login HASH USER PASSWORD STORED_KEY SERVER_KEY SALT ITERATIONS
--     runs a full SCRAM exchange against Prosody's SASL server with the given stored record;
--     prints "success" or the failure.
--   lua5.4 scram.lua adduser HASH PASSWORD ITERATIONS
--     makes a record the way mod_auth_internal_hashed's create_user does; prints
--     salt, iteration_count, stored_key, server_key, one per line.
-- Arguments are hex-encoded so that any bytes pass through the command line.
-- Boots Prosody 0.12 or 13 (boot.lua: $PROSODY_SRCDIR picks the installation).
local boot = dofile(((arg and arg[0] or ""):match("^(.*)/[^/]*$") or ".") .. "/../../interop/harness/boot.lua");

local new_sasl = boot.require "util.sasl".new
local scram = boot.require "util.sasl.scram"
local hashes = boot.require "util.hashes"
local hex = boot.require "util.hex"
local base64 = boot.require "util.encodings".base64
local sxor = boot.require "util.strbitop".sxor
local generate_uuid = boot.require "util.uuid".generate

local args = {}
for i = 2, #arg do args[#args + 1] = hex.decode(arg[i]) end
local mode = arg[1]

local algorithms = {
	["SHA-1"] = { H = hashes.sha1, HMAC = hashes.hmac_sha1, Hi = hashes.pbkdf2_hmac_sha1 },
	["SHA-256"] = { H = hashes.sha256, HMAC = hashes.hmac_sha256, Hi = hashes.pbkdf2_hmac_sha256 },
}

if mode == "adduser" then
	local hash, password, iterations = args[1], args[2], tonumber(args[3])
	local salt = generate_uuid()
	local ok, stored_key, server_key = scram.hashers[hash](password, salt, iterations)
	assert(ok, stored_key)
	print(salt) print(iterations) print(hex.encode(stored_key)) print(hex.encode(server_key))
elseif mode == "login" then
	local hash, username, password, stored_hex, server_hex, salt, iterations =
		args[1], args[2], args[3], args[4], args[5], args[6], tonumber(args[7])
	local profile_name = "scram_" .. hash:lower():gsub("%-", "_")
	local server = new_sasl("example.com", {
		[profile_name] = function(_, user)
			if user ~= username then return nil end
			return hex.decode(stored_hex), hex.decode(server_hex), iterations, salt, true
		end,
	})
	assert(server:select("SCRAM-" .. hash), "mechanism not offered")
	local algo = algorithms[hash]
	local cnonce = "fyko+d2lbbFgONRv9qkxdawL"
	local client_first_bare = "n=" .. username .. ",r=" .. cnonce
	local status, server_first = server:process("n,," .. client_first_bare)
	if status ~= "challenge" then print(status .. " " .. tostring(server_first)) return end
	local nonce, salt_b64, iter = server_first:match("^r=([^,]+),s=([^,]+),i=(%d+)")
	local salted = algo.Hi(password, base64.decode(salt_b64), tonumber(iter))
	local client_key = algo.HMAC(salted, "Client Key")
	local final_bare = "c=biws,r=" .. nonce
	local auth_message = client_first_bare .. "," .. server_first .. "," .. final_bare
	local proof = sxor(client_key, algo.HMAC(algo.H(client_key), auth_message))
	local result, detail = server:process(final_bare .. ",p=" .. base64.encode(proof))
	print(result == "success" and "success" or (tostring(result) .. " " .. tostring(detail)))
else
	error("unknown mode " .. tostring(mode))
end
