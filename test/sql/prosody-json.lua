-- Decodes each stdin line with Prosody's util.json and prints it as a Lua data chunk
-- (util.serialization), so the test can compare what Prosody reads with what was written.
-- With "encode" as argument, instead prints util.json's encoding of a few fixed tables.
package.path = "/usr/lib/prosody/?.lua;" .. package.path
package.cpath = "/usr/lib/prosody/?.so;" .. package.cpath
local json = require "util.json"
local serialize = require "util.serialization".new({ preset = "oneline", fatal = true })

if arg[1] == "encode" then
	local samples = {
		{ a = 1, b = "two", c = { 1, 2, 3 } },
		{ [false] = { version = 2, pending = {} }, ["bob@example.com"] = { groups = { Work = true } } },
		{ "x", "y", name = "mixed" },
		{ [1] = "a", [3] = "c" },
		{ [1.5] = "half", [-1] = "minus", [true] = "yes" },
		{ big = math.maxinteger, small = math.mininteger, float = 0.5, huge = 1e300, neg = -2.5 },
		{ nul = "a\0b", ctl = "\1\31", quote = "\"\\/", utf8 = "Zo\195\171 \240\159\142\137", raw = "\255\128" },
		{ __hash = "special", __array = "keys" },
		{},
	};
	for _, sample in ipairs(samples) do io.write(json.encode(sample), "\n"); end
	return;
end

for line in io.lines() do
	local value, err = json.decode(line);
	if value == nil then
		io.write("error: ", tostring(err), "\n");
	else
		io.write("return ", serialize(value), ";\n");
	end
end
