// SPDX-License-Identifier: MIT
// Loads tests/data/stories-bitnet.expected.json: bitnet.cpp's outputs on the demo
// model, the ground truth the model tests compare against.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace bitnet::test {

struct ReferenceCase {
    std::string prompt;
    std::vector<int32_t> prompt_ids;
    std::vector<std::pair<int32_t, float>> top5;
    std::vector<float> logits;
    std::vector<int32_t> greedy_ids;
    std::string text;
};

inline std::vector<ReferenceCase> load_reference_cases(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    auto doc = boost::json::parse(ss.str());
    // The file is either a list of cases or an object holding one.
    const boost::json::array* list = doc.if_array();
    if (!list) {
        for (const auto& kv : doc.as_object())
            if (kv.value().is_array() && !kv.value().as_array().empty() && kv.value().as_array()[0].is_object())
                list = &kv.value().as_array();
    }
    std::vector<ReferenceCase> out;
    if (!list) return out;
    auto ints = [](const boost::json::value& v) {
        std::vector<int32_t> r;
        for (const auto& x : v.as_array()) r.push_back(static_cast<int32_t>(x.to_number<int64_t>()));
        return r;
    };
    for (const auto& c : *list) {
        const auto& o = c.as_object();
        ReferenceCase rc;
        rc.prompt = std::string(o.at("prompt").as_string());
        rc.prompt_ids = ints(o.at("prompt_ids"));
        for (const auto& p : o.at("step0_top5").as_array())
            rc.top5.emplace_back(static_cast<int32_t>(p.as_array()[0].to_number<int64_t>()),
                                 static_cast<float>(p.as_array()[1].to_number<double>()));
        for (const auto& x : o.at("step0_logits").as_array()) rc.logits.push_back(static_cast<float>(x.to_number<double>()));
        rc.greedy_ids = ints(o.at("greedy_ids"));
        if (o.contains("text")) rc.text = std::string(o.at("text").as_string());
        out.push_back(std::move(rc));
    }
    return out;
}

}  // namespace bitnet::test
