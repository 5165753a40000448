// The strict JSON reader: positions of values and keys, escapes, numbers,
// duplicate keys and limits.
#include <gtest/gtest.h>

#include <string>

#include "scenario/json_pos.h"

namespace latlab::scenario {
namespace {

JValue parse_ok(const std::string& text) {
  auto r = parse_json_with_positions(text);
  EXPECT_TRUE(r.errors.empty()) << (r.errors.empty() ? "" : r.errors[0].message);
  return r.value;
}

std::string error_of(const std::string& text) {
  auto r = parse_json_with_positions(text);
  if (r.errors.empty()) return "<no error>";
  const auto& e = r.errors[0];
  return std::to_string(e.pos.line) + ":" + std::to_string(e.pos.col) + ": " + e.message;
}

TEST(JsonPos, ValuesAndKeysHaveTheirLineAndColumn) {
  JValue v = parse_ok("{\n  \"a\": [1,\n        true],\n\t\"bb\" : {\"c\": null}\n}");
  EXPECT_EQ(v.type, JValue::Type::object);
  EXPECT_EQ(v.pos.line, 1);
  EXPECT_EQ(v.pos.col, 1);
  ASSERT_EQ(v.members.size(), 2u);
  EXPECT_EQ(v.members[0].key, "a");
  EXPECT_EQ(v.members[0].key_pos.line, 2);
  EXPECT_EQ(v.members[0].key_pos.col, 3);
  const JValue& arr = v.members[0].value;
  EXPECT_EQ(arr.pos.col, 8);
  ASSERT_EQ(arr.items.size(), 2u);
  EXPECT_EQ(arr.items[1].pos.line, 3);
  EXPECT_EQ(arr.items[1].pos.col, 9);
  EXPECT_EQ(v.members[1].key_pos.line, 4);
  EXPECT_EQ(v.members[1].key_pos.col, 2) << "a tab is one column";
  const JValue* c = v.get("bb")->get("c");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->type, JValue::Type::null);
  EXPECT_EQ(c->pos.col, 15);
}

TEST(JsonPos, ColumnsCountCodePoints) {
  JValue v = parse_ok("{\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\": 1}");
  EXPECT_EQ(v.members[0].key, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  EXPECT_EQ(v.members[0].value.pos.col, 9);
}

TEST(JsonPos, ByteOrderMarkIsSkipped) {
  JValue v = parse_ok("\xef\xbb\xbf{\"a\": 1}");
  EXPECT_EQ(v.get("a")->integer, 1);
}

TEST(JsonPos, Escapes) {
  JValue v = parse_ok(R"({"s": "q\" b\\ s\/ \b\f\n\r\t \u0041\u00e9\u20ac"})");
  EXPECT_EQ(v.get("s")->string, "q\" b\\ s/ \b\f\n\r\t A\xc3\xa9\xe2\x82\xac");
}

TEST(JsonPos, SurrogatePairsBecomeOneCodePoint) {
  JValue v = parse_ok(R"({"s": "\ud83d\ude00"})");
  EXPECT_EQ(v.get("s")->string, "\xf0\x9f\x98\x80");
  EXPECT_EQ(error_of(R"({"s": "\ud83d"})"), "1:14: unpaired UTF-16 surrogate in \\u escape");
  EXPECT_EQ(error_of(R"({"s": "\ud83d\u0041"})"), "1:20: unpaired UTF-16 surrogate in \\u escape");
  EXPECT_EQ(error_of(R"({"s": "\ude00"})"), "1:14: unpaired UTF-16 surrogate in \\u escape");
  EXPECT_EQ(error_of(R"({"s": "\u12G4"})"), "1:12: invalid \\u escape: expected 4 hex digits");
}

TEST(JsonPos, Numbers) {
  JValue v = parse_ok(R"([0, -7, 12345678901, 1.5, -0.25e2, 1e3, 2E+2, 9223372036854775807, 1e400])");
  ASSERT_EQ(v.items.size(), 9u);
  EXPECT_TRUE(v.items[0].is_integer);
  EXPECT_EQ(v.items[1].integer, -7);
  EXPECT_EQ(v.items[2].integer, 12345678901);
  EXPECT_FALSE(v.items[3].is_integer);
  EXPECT_DOUBLE_EQ(v.items[3].number, 1.5);
  EXPECT_DOUBLE_EQ(v.items[4].number, -25);
  EXPECT_TRUE(v.items[5].is_integer) << "1e3 is an integer written in exponent form";
  EXPECT_EQ(v.items[5].integer, 1000);
  EXPECT_EQ(v.items[6].integer, 200);
  EXPECT_EQ(v.items[7].integer, INT64_MAX);
  EXPECT_FALSE(v.items[8].is_integer);
  EXPECT_EQ(v.items[2].string, "12345678901") << "the literal is kept as written";
  EXPECT_STREQ(v.items[0].type_name(), "integer");
  EXPECT_STREQ(v.items[3].type_name(), "number");
}

TEST(JsonPos, BadNumbers) {
  EXPECT_EQ(error_of("[01]"), "1:2: numbers must not have leading zeros");
  EXPECT_EQ(error_of("[-]"), "1:2: invalid number");
  EXPECT_EQ(error_of("[1.]"), "1:2: invalid number: digits expected after '.'");
  EXPECT_EQ(error_of("[1e]"), "1:2: invalid number: digits expected in exponent");
  EXPECT_EQ(error_of("[+1]"), "1:2: expected a JSON value, found '+'");
  EXPECT_EQ(error_of("[NaN]"), "1:2: expected a JSON value, found 'N'");
}

TEST(JsonPos, SyntaxErrors) {
  EXPECT_EQ(error_of(""), "1:1: the file is empty; a scenario is a JSON object");
  EXPECT_EQ(error_of("{'a': 1}"), "1:2: expected a quoted key, found '''");
  EXPECT_EQ(error_of("{\"a\" 1}"), "1:6: expected ':' after key \"a\", found '1'");
  EXPECT_EQ(error_of("{\"a\": 1,}"), "1:9: trailing comma before '}'");
  EXPECT_EQ(error_of("[1, 2,]"), "1:7: trailing comma before ']'");
  EXPECT_EQ(error_of("[1 2]"), "1:4: expected ',' or ']' after an array element, found '2'");
  EXPECT_EQ(error_of("{\"a\": 1 \"b\": 2}"), "1:9: expected ',' or '}' after an object member, found '\"'");
  EXPECT_EQ(error_of("{\"a\": tru}"), "1:7: invalid literal; expected true");
  EXPECT_EQ(error_of("{\"a\": \"x"), "1:7: unterminated string");
  EXPECT_EQ(error_of("{\"a\": \"x\ty\"}"), "1:9: control character 0x09 in a string; escape it");
  EXPECT_EQ(error_of("{} x"), "1:4: unexpected 'x' after the JSON document");
  EXPECT_EQ(error_of("{\"a\": 1} // c"), "1:10: unexpected '/' after the JSON document");
  EXPECT_EQ(error_of("[\x01]"), "1:2: expected a JSON value, found control character 0x01");
}

TEST(JsonPos, DuplicateKeysAreAllListedWithTheFirstPosition) {
  auto r = parse_json_with_positions("{\"a\": 1,\n \"b\": {\"x\": 1, \"x\": 2},\n \"a\": 3}");
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].pos.line, 2);
  EXPECT_EQ(r.errors[0].pos.col, 16);
  EXPECT_NE(r.errors[0].message.find("duplicate key \"x\" (first at 2:8)"), std::string::npos) << r.errors[0].message;
  EXPECT_EQ(r.errors[1].pos.line, 3);
  EXPECT_NE(r.errors[1].message.find("duplicate key \"a\" (first at 1:2)"), std::string::npos) << r.errors[1].message;
  EXPECT_EQ(r.value.type, JValue::Type::object) << "the document is still returned";
}

TEST(JsonPos, NestingIsLimitedTo64Levels) {
  std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(parse_json_with_positions(ok).errors.empty());
  std::string deep = std::string(66, '[') + std::string(66, ']');
  EXPECT_EQ(error_of(deep), "1:66: nesting deeper than 64 levels");
  // Deep enough to overflow the stack without the limit.
  std::string very_deep(100000, '[');
  EXPECT_EQ(error_of(very_deep), "1:66: nesting deeper than 64 levels");
}

TEST(JsonPos, PointerEscape) {
  EXPECT_EQ(json_pointer_escape("a/b~c"), "a~1b~0c");
  EXPECT_EQ(json_pointer_escape("plain"), "plain");
}

}  // namespace
}  // namespace latlab::scenario
