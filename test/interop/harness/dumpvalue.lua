-- JSON text and the dump format's VALUE encoding (dump-format.md), for the interop harness.
--
-- Prosody's util.json cannot carry Lua's shapes exactly (it turns non-string keys into
-- "__hash", cannot tell byte strings from text, and prints numbers with %.14g), so the harness
-- speaks the dump VALUE encoding instead: {"$bytes"}, {"$int"}, {"$number"}, {"$table"},
-- {"$xml"}. Both directions are exact for every value a Lua table can hold.

local st = require "util.stanza";
local xml_parse = require "util.xml".parse;
local base64 = require "util.encodings".base64;

local M = {};

-- JSON null: only meaningful in request fields (a user that is nil); never a stored value.
M.null = setmetatable({}, { __tostring = function() return "null" end });

-- Marks a Lua list that must be written as a JSON array even when empty (response fields).
local array_mt = {};
function M.array(t) return setmetatable(t, array_mt); end

local MAX_SAFE = 9007199254740991; -- 2^53 - 1: larger integers cross as {"$int"}
local MAX_DEPTH = 200;

---------------------------------------------------------------- JSON text reader

local function decode_error(text, pos, what)
	error(("bad JSON at byte %d: %s near %q"):format(pos, what, text:sub(pos, pos + 20)), 0);
end

local escapes = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" };

local function read_string(text, pos)
	local parts, i = {}, pos + 1;
	while true do
		local j = text:find('[\\"]', i);
		if not j then decode_error(text, pos, "unterminated string"); end
		parts[#parts + 1] = text:sub(i, j - 1);
		if text:sub(j, j) == '"' then return table.concat(parts), j + 1; end
		local c = text:sub(j + 1, j + 1);
		if c == "u" then
			local code = tonumber(text:sub(j + 2, j + 5), 16);
			if not code then decode_error(text, j, "bad \\u escape"); end
			i = j + 6;
			if code >= 0xD800 and code <= 0xDBFF and text:sub(i, i + 1) == "\\u" then
				local low = tonumber(text:sub(i + 2, i + 5), 16);
				if low and low >= 0xDC00 and low <= 0xDFFF then
					code = 0x10000 + (code - 0xD800) * 0x400 + (low - 0xDC00);
					i = i + 6;
				end
			end
			parts[#parts + 1] = utf8.char(code);
		elseif escapes[c] then
			parts[#parts + 1] = escapes[c];
			i = j + 2;
		else
			decode_error(text, j, "bad escape");
		end
	end
end

local read_value;

local function skip(text, pos)
	return text:find("[^ \t\r\n]", pos) or #text + 1;
end

local function read_number(text, pos)
	local token = text:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos);
	if not token then decode_error(text, pos, "unexpected character"); end
	local n;
	if token:find("[.eE]") then
		n = tonumber(token) + 0.0;
	else
		n = math.tointeger(tonumber(token));
		-- JavaScript numbers beyond 2^53 are doubles; exact integers come as {"$int"}
		if not n or n > MAX_SAFE or n < -MAX_SAFE then n = tonumber(token) + 0.0; end
	end
	return n, pos + #token;
end

function read_value(text, pos, depth)
	if depth > MAX_DEPTH + 10 then decode_error(text, pos, "nested too deeply"); end
	pos = skip(text, pos);
	local c = text:sub(pos, pos);
	if c == "{" then
		local object = {};
		pos = skip(text, pos + 1);
		if text:sub(pos, pos) == "}" then return object, pos + 1; end
		while true do
			if text:sub(pos, pos) ~= '"' then decode_error(text, pos, "expected a key"); end
			local key; key, pos = read_string(text, pos);
			pos = skip(text, pos);
			if text:sub(pos, pos) ~= ":" then decode_error(text, pos, "expected ':'"); end
			object[key], pos = read_value(text, pos + 1, depth + 1);
			pos = skip(text, pos);
			c = text:sub(pos, pos);
			if c == "}" then return object, pos + 1; end
			if c ~= "," then decode_error(text, pos, "expected ',' or '}'"); end
			pos = skip(text, pos + 1);
		end
	elseif c == "[" then
		local array, n = {}, 0;
		pos = skip(text, pos + 1);
		if text:sub(pos, pos) == "]" then return array, pos + 1; end
		while true do
			n = n + 1;
			array[n], pos = read_value(text, pos, depth + 1);
			pos = skip(text, pos);
			c = text:sub(pos, pos);
			if c == "]" then return array, pos + 1; end
			if c ~= "," then decode_error(text, pos, "expected ',' or ']'"); end
			pos = pos + 1;
		end
	elseif c == '"' then
		return read_string(text, pos);
	elseif text:sub(pos, pos + 3) == "true" then
		return true, pos + 4;
	elseif text:sub(pos, pos + 4) == "false" then
		return false, pos + 5;
	elseif text:sub(pos, pos + 3) == "null" then
		return M.null, pos + 4;
	end
	return read_number(text, pos);
end

--- Parses JSON text into plain Lua data (objects and arrays as tables, null as M.null).
function M.parse_json(text)
	local value, pos = read_value(text, 1, 0);
	if skip(text, pos) <= #text then decode_error(text, pos, "trailing data"); end
	return value;
end

---------------------------------------------------------------- JSON text writer

local function quote(s)
	return '"' .. s:gsub('[%c"\\]', function(c)
		if c == '"' then return '\\"'; elseif c == "\\" then return "\\\\"; end
		return ("\\u%04x"):format(c:byte());
	end) .. '"';
end

local function is_utf8(s)
	return utf8.len(s) ~= nil;
end

local function number_json(n)
	if math.type(n) == "integer" then
		if n > MAX_SAFE or n < -MAX_SAFE then return ('{"$int":"%d"}'):format(n); end
		return ("%d"):format(n);
	end
	if n ~= n then return '{"$number":"nan"}'; end
	if n == math.huge then return '{"$number":"inf"}'; end
	if n == -math.huge then return '{"$number":"-inf"}'; end
	return ("%.17g"):format(n); -- 17 significant digits give back the same double
end

local function string_json(s)
	if is_utf8(s) then return quote(s); end
	return '{"$bytes":' .. quote(base64.encode(s)) .. '}';
end

local key_rank = { boolean = 1, number = 2, string = 3 };

local function key_less(a, b)
	local ta, tb = type(a), type(b);
	if ta ~= tb then return key_rank[ta] < key_rank[tb]; end
	if ta == "boolean" then return (not a) and b; end
	return a < b;
end

local encode_value;

-- True when the n keys of t are exactly 1..n (n >= 1): such a table is a JSON array.
local function is_sequence(t, n)
	if n == 0 then return false; end
	for i = 1, n do
		if t[i] == nil then return false; end
	end
	return true;
end

local function table_json(t, depth, seen)
	if st.is_stanza(t) then return '{"$xml":' .. quote(tostring(t)) .. '}'; end
	if getmetatable(t) == array_mt and next(t) == nil then return "[]"; end
	if seen[t] then error("cannot encode a table that contains itself", 0); end
	if depth > MAX_DEPTH then error("cannot encode a table nested deeper than " .. MAX_DEPTH, 0); end
	seen[t] = true;
	local keys, n, all_strings, dollar = {}, 0, true, false;
	for k in pairs(t) do
		n = n + 1;
		keys[n] = k;
		-- object keys must be UTF-8 text and not look like markers; anything else goes as $table
		if type(k) ~= "string" or not is_utf8(k) then all_strings = false; elseif k:sub(1, 1) == "$" then dollar = true; end
	end
	local out = {};
	if is_sequence(t, n) then
		for i = 1, n do out[i] = encode_value(t[i], depth + 1, seen); end
		seen[t] = nil;
		return "[" .. table.concat(out, ",") .. "]";
	end
	table.sort(keys, key_less);
	if all_strings and not dollar then
		for i, k in ipairs(keys) do
			out[i] = quote(k) .. ":" .. encode_value(t[k], depth + 1, seen);
		end
		seen[t] = nil;
		return "{" .. table.concat(out, ",") .. "}";
	end
	for i, k in ipairs(keys) do
		out[i] = "[" .. encode_value(k, depth + 1, seen) .. "," .. encode_value(t[k], depth + 1, seen) .. "]";
	end
	seen[t] = nil;
	return '{"$table":[' .. table.concat(out, ",") .. "]}";
end

function encode_value(v, depth, seen)
	local tv = type(v);
	if tv == "string" then return string_json(v);
	elseif tv == "number" then return number_json(v);
	elseif tv == "boolean" then return tostring(v);
	elseif tv == "table" then return table_json(v, depth, seen);
	end
	error("cannot encode a Lua " .. tv, 0);
end

--- A stored Lua value as dump VALUE JSON text.
function M.encode(v)
	return encode_value(v, 0, {});
end

--- Plain data (strings, numbers, booleans, tables of them, M.null) as JSON text, for responses
--- whose fields are not stored values. Strings that are not UTF-8 become {"$bytes"} here too.
function M.json(v)
	if v == M.null then return "null"; end
	return M.encode(v);
end

---------------------------------------------------------------- VALUE decoding

local decode;

local markers = {
	["$bytes"] = function(body)
		assert(type(body) == "string", "$bytes must hold a base64 string");
		local bytes = base64.decode(body);
		assert(bytes, "$bytes is not valid base64");
		return bytes;
	end;
	["$int"] = function(body)
		local n = type(body) == "string" and body:match("^-?%d+$") and math.tointeger(tonumber(body));
		assert(n, "$int must hold a decimal 64-bit integer");
		return n;
	end;
	["$number"] = function(body)
		if body == "inf" then return math.huge; elseif body == "-inf" then return -math.huge;
		elseif body == "nan" then return 0/0; end
		error('$number must be "inf", "-inf" or "nan"', 0);
	end;
	["$table"] = function(body, depth)
		assert(type(body) == "table", "$table must hold a list of pairs");
		local t = {};
		for _, pair in ipairs(body) do
			local k = decode(pair[1], depth + 1);
			assert(k == k, "a table key cannot be NaN");
			t[k] = decode(pair[2], depth + 1);
		end
		return t;
	end;
	["$xml"] = function(body)
		assert(type(body) == "string", "$xml must hold an XML string");
		local stanza, err = xml_parse(body);
		if not stanza then error("$xml is not well-formed: " .. tostring(err), 0); end
		return stanza;
	end;
};

function decode(json, depth)
	if json == M.null then error("null is not a stored value", 0); end
	if type(json) ~= "table" then return json; end
	if depth > MAX_DEPTH + 5 then error("value nested too deeply", 0); end
	local first = next(json);
	if type(first) == "string" and next(json, first) == nil and first:sub(1, 1) == "$" then
		local marker = markers[first];
		if not marker then error("unknown marker " .. first, 0); end
		return marker(json[first], depth);
	end
	local t = {};
	for k, v in pairs(json) do t[k] = decode(v, depth + 1); end
	return t;
end

--- Parsed JSON (from M.parse_json) in the VALUE encoding to the Lua value it stands for.
function M.decode(json)
	return decode(json, 0);
end

return M;
