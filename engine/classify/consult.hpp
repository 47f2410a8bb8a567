// The consultation interview: which facts that the rule packs use does the case lack, and which of them is most
// decisive — the missing fact whose possible answers would most change the classification. Each candidate answer is
// tried on a scratch engine (replaying the session's given facts plus the answer) and the spread of the resulting
// classifications and scores is its decisiveness.
#pragma once

#include <string>
#include <vector>

#include "runtime/engine.hpp"

namespace covenant {

struct Question {
    TemplateId tmpl = 0;
    SlotIndex slot = 0;              // the slot asked about
    std::string text;                // "Does membership of nato require democratic values (values_clause)?"
    std::vector<Value> answers;      // the allowed answers (bool: true/false; one of: its values; numbers: a few
                                     // representative values), for display and for scoring
    std::optional<Value> default_answer;
    double decisiveness = 0;         // how much the answers change the outcome (higher first)
    std::vector<std::string> used_by;  // rules that read this slot
    std::vector<std::string> effects;  // per answer: what it would change ("true: community 0.35 -> 0.61, type
                                       // hybrid -> community")
    bool new_fact = false;             // the case has no `tmpl` fact for the institution: the answer makes one (its
                                       // key slot set to the institution, optional slots at their defaults)
    std::vector<SlotIndex> other_required;  // new_fact: required slots besides `slot` that the new fact also needs;
                                            // the decisiveness is averaged over representative values of them
    std::vector<std::vector<Value>> other_answers;  // per other_required slot, in that order: its allowed answers
                                                    // (never empty), for the follow-up questions that complete the
                                                    // new fact after `slot` is answered
};

// The questions for institution `institution_id`, most decisive first. `given` are the facts given so far (template,
// values); `program` the checked rule packs. Questions already answered (a slot set explicitly, or marked unknown in
// `skipped`) are not asked again.
//
// "Set explicitly" is read off the values: a required slot is always set; an optional slot counts as unanswered while
// it holds its default (an InitialFact cannot tell a written default from an omitted one). So the caller must put
// every slot the user has answered — with any value — or marked unknown into `skipped`.
std::vector<Question> rank_questions(const Program& program, const std::vector<InitialFact>& given,
                                     const std::string& institution_id,
                                     const std::vector<std::pair<TemplateId, SlotIndex>>& skipped);

}  // namespace covenant
