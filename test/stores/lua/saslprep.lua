-- Prints Prosody's SASLprep (libidn via util.encodings) of each hex-encoded argument after the
-- mode, one line each: the result hex-encoded, or "nil" when SASLprep rejects the string.
package.cpath = "/usr/lib/prosody/?.so;" .. package.cpath
package.path = "/usr/lib/prosody/?.lua;" .. package.path
local saslprep = require "util.encodings".stringprep.saslprep
local hex = require "util.hex"
for i = 2, #arg do
	local out = saslprep(hex.decode(arg[i]))
	print(out and ("=" .. hex.encode(out)) or "nil")
end
