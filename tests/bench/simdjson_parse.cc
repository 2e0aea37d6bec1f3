// simdjson_parse.cc: the parsing limit for `make bench`. Reads NDJSON leads on
// stdin and parses each line into simdjson's DOM, as fast as a JSON parser
// goes on this machine (SIMD), and decides nothing: leadq's throughput over
// this one's says how close to parsing alone the whole rules engine runs.
// Prints the number of leads that were objects, so the work is not optimised
// away and the run is checked. It reads a line at a time, as leadq does, with
// a copy per line; simdjson's parse_many over the whole padded input would be
// faster still, so the limit printed is a little low.
#include <simdjson.h>

#include <cstdio>
#include <iostream>
#include <string>

int main() {
  std::ios::sync_with_stdio(false);
  simdjson::dom::parser parser;
  std::string line;
  unsigned long long objects = 0, bad = 0;
  while (std::getline(std::cin, line)) {
    simdjson::dom::element doc;
    if (parser.parse(line.data(), line.size()).get(doc)) bad++;
    else if (doc.is_object()) objects++;
  }
  std::printf("%llu objects, %llu bad\n", objects, bad);
  return 0;
}
