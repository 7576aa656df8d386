/*! Functions for converting an AST into an IR. */

use std::borrow::Borrow;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::iter;
use std::num::NonZeroU32;
use std::ops::{ControlFlow, RangeInclusive};
use std::rc::Rc;

use bstr::{BString, ByteSlice};
use indexmap::IndexMap;
use itertools::Itertools;
use rustc_hash::{FxHashSet, FxHasher};
use yara_x_parser::Span;
use yara_x_parser::ast;
use yara_x_parser::ast::WithSpan;

use crate::compiler::context::VarStack;
use crate::compiler::errors::{
    ArbitraryRegexpPrefix, AssignmentMismatch, DuplicateModifier,
    DuplicatePattern, EmptyPatternSet, EntrypointUnsupported,
    InvalidBase64Alphabet, InvalidModifier, InvalidModifierCombination,
    InvalidPattern, InvalidRange, InvalidRegexp, MismatchingTypes,
    MixedGreediness, NumberOutOfRange, SyntaxError, TooManyPatterns,
    TooManyVariables, UnexpectedNegativeNumber, WrongArguments, WrongType,
};
use crate::compiler::ir::hex2hir::hex_pattern_hir_from_ast;
use crate::compiler::ir::{
    Error, Expr, ExprId, Iterable, LiteralPattern, MatchAnchor, Pattern,
    PatternFlags, PatternInRule, Quantifier, Range, RegexpPattern, dfs,
};
use crate::compiler::report::{Level, ReportBuilder};
use crate::compiler::{
    CompileContext, CompileError, FilesizeBounds, ForVars, HeaderConstraint,
    LiteralSetId, PatternIdx, RegexSetId, TextPatternAsHex, warnings,
};
use crate::errors::CustomError;
use crate::errors::{MethodNotAllowedInWith, PotentiallySlowLoop};
use crate::re;
use crate::re::parser::CaseSensitiveness;
use crate::symbols::{Symbol, SymbolLookup, SymbolTable};
use crate::types::Value::Const;
use crate::types::{Map, Regexp, StringConstraint, Type, TypeValue};
use crate::warnings::UnsatisfiableExpression;

/// How many patterns a rule can have. If a rule has more than this number of
/// patterns the [`TooManyPatterns`] error is returned.
const MAX_PATTERNS_PER_RULE: usize = 100_000;

/// Maximum number of iterations a loop can have before triggering a warning.
const MAX_LOOP_ITERATIONS: i64 = 1_000_000;

pub(in crate::compiler) fn patterns_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    rule: &ast::Rule<'src>,
) -> Result<(), CompileError> {
    for pattern_ast in rule.patterns.as_ref().into_iter().flatten() {
        let pattern = pattern_from_ast(ctx, pattern_ast)?;
        if pattern.identifier().name != "$"
            && let Some(existing) = ctx
                .current_rule_patterns
                .iter()
                .find(|p| p.identifier.name == pattern.identifier.name)
        {
            return Err(DuplicatePattern::build(
                ctx.report_builder,
                pattern.identifier().name.to_string(),
                ctx.report_builder
                    .span_to_code_loc(pattern.identifier().span()),
                ctx.report_builder
                    .span_to_code_loc(existing.identifier.span()),
            ));
        }
        if let Some(existing) = ctx
            .current_rule_patterns
            .iter()
            .find(|p| p.pattern() == pattern.pattern())
        {
            ctx.warnings.add(|| {
                warnings::DuplicatePatternValue::build(
                    ctx.report_builder,
                    existing.identifier().name.to_string(),
                    ctx.report_builder
                        .span_to_code_loc(pattern.span().clone()),
                    ctx.report_builder
                        .span_to_code_loc(existing.span().clone()),
                )
            });
        }
        if ctx.current_rule_patterns.len() == MAX_PATTERNS_PER_RULE {
            return Err(TooManyPatterns::build(
                ctx.report_builder,
                MAX_PATTERNS_PER_RULE,
                ctx.report_builder.span_to_code_loc(rule.identifier.span()),
            ));
        }
        ctx.current_rule_patterns.push(pattern);
    }
    Ok(())
}

fn pattern_from_ast<'src>(
    ctx: &mut CompileContext,
    pattern: &ast::Pattern<'src>,
) -> Result<PatternInRule<'src>, CompileError> {
    // Check for duplicate pattern modifiers.
    let mut modifiers = BTreeSet::new();
    for modifier in pattern.modifiers().iter() {
        if !modifiers.insert(modifier.as_text()) {
            return Err(DuplicateModifier::build(
                ctx.report_builder,
                ctx.report_builder.span_to_code_loc(modifier.span()),
            ));
        }
    }
    match pattern {
        ast::Pattern::Text(pat) => Ok(text_pattern_from_ast(ctx, pat)?),
        ast::Pattern::Hex(pat) => Ok(hex_pattern_from_ast(ctx, pat)?),
        ast::Pattern::Regexp(pat) => Ok(regexp_pattern_from_ast(ctx, pat)?),
    }
}

pub(in crate::compiler) fn text_pattern_from_ast<'src>(
    ctx: &mut CompileContext,
    pattern: &ast::TextPattern<'src>,
) -> Result<PatternInRule<'src>, CompileError> {
    let ascii = pattern.modifiers.ascii();
    let xor = pattern.modifiers.xor();
    let nocase = pattern.modifiers.nocase();
    let fullword = pattern.modifiers.fullword();
    let base64 = pattern.modifiers.base64();
    let base64wide = pattern.modifiers.base64wide();
    let wide = pattern.modifiers.wide();
    let private = pattern.modifiers.private();

    let invalid_combinations = [
        ("xor", xor, "nocase", nocase),
        ("base64", base64, "nocase", nocase),
        ("base64wide", base64wide, "nocase", nocase),
        ("base64", base64, "fullword", fullword),
        ("base64wide", base64wide, "fullword", fullword),
        ("base64", base64, "xor", xor),
        ("base64wide", base64wide, "xor", xor),
    ];

    for (name1, modifier1, name2, modifier2) in invalid_combinations {
        if let (Some(modifier1), Some(modifier2)) = (modifier1, modifier2) {
            return Err(InvalidModifierCombination::build(
                ctx.report_builder,
                name1.to_string(),
                name2.to_string(),
                ctx.report_builder.span_to_code_loc(modifier1.span()),
                ctx.report_builder.span_to_code_loc(modifier2.span()),
                Some("these two modifiers can't be used together".to_string()),
            ));
        };
    }

    let mut flags = PatternFlags::empty();

    if wide.is_some() {
        if ascii.is_some() {
            flags.insert(PatternFlags::WideAndAscii);
        } else {
            flags.insert(PatternFlags::WideOnly);
        }
    }

    if nocase.is_some() {
        flags.insert(PatternFlags::Nocase);
    }

    if fullword.is_some() {
        flags.insert(PatternFlags::Fullword);
    }

    if private.is_some() {
        flags.insert(PatternFlags::Private);
    }

    let xor_range = match xor {
        Some(modifier @ ast::PatternModifier::Xor { start, end, .. }) => {
            if *end < *start {
                return Err(InvalidRange::build(
                    ctx.report_builder,
                    format!(
                        "lower bound ({start}) is greater than upper bound ({end})"
                    ),
                    ctx.report_builder.span_to_code_loc(modifier.span()),
                ));
            }
            flags.insert(PatternFlags::Xor);
            Some(*start..=*end)
        }
        _ => None,
    };

    let validate_alphabet = |alphabet: &Option<ast::LiteralString>| {
        if alphabet.is_none() {
            return Ok(None);
        }
        let alphabet = alphabet.as_ref().unwrap();
        let alphabet_str = alphabet.as_str().unwrap();
        match base64::alphabet::Alphabet::new(alphabet_str) {
            Ok(_) => Ok(Some(String::from(alphabet_str))),
            Err(err) => Err(InvalidBase64Alphabet::build(
                ctx.report_builder,
                err.to_string().to_lowercase(),
                ctx.report_builder.span_to_code_loc(alphabet.span()),
            )),
        }
    };

    let base64_alphabet = match base64 {
        Some(ast::PatternModifier::Base64 { alphabet, .. }) => {
            flags.insert(PatternFlags::Base64);
            validate_alphabet(alphabet)?
        }
        _ => None,
    };

    let base64wide_alphabet = match base64wide {
        Some(ast::PatternModifier::Base64Wide { alphabet, .. }) => {
            flags.insert(PatternFlags::Base64Wide);
            validate_alphabet(alphabet)?
        }
        _ => None,
    };

    let (min_len, note) = if base64.is_some() {
        (
            3,
            Some(
                "`base64` requires that pattern is at least 3 bytes long"
                    .to_string(),
            ),
        )
    } else if base64wide.is_some() {
        (
            3,
            Some(
                "`base64wide` requires that pattern is at least 3 bytes long"
                    .to_string(),
            ),
        )
    } else {
        (1, None)
    };

    let text: BString = pattern.text.value.as_ref().into();

    if text.len() < min_len {
        return Err(InvalidPattern::build(
            ctx.report_builder,
            pattern.identifier.name.to_string(),
            "this pattern is too short".to_string(),
            ctx.report_builder.span_to_code_loc(pattern.text.span()),
            note,
        ));
    }

    Ok(PatternInRule {
        identifier: pattern.identifier.clone(),
        in_use: false,
        span: pattern.span(),
        pattern: Pattern::Text(LiteralPattern {
            flags,
            text,
            xor_range,
            base64_alphabet,
            base64wide_alphabet,
            anchored_at: None,
            filesize_bounds: FilesizeBounds::default(),
            header_constraints: HeaderConstraint::default(),
            max_matches_in_fast_scan: NonZeroU32::new(1),
        }),
    })
}

pub(in crate::compiler) fn hex_pattern_from_ast<'src>(
    ctx: &mut CompileContext,
    pattern: &ast::HexPattern<'src>,
) -> Result<PatternInRule<'src>, CompileError> {
    let mut pattern_flags = PatternFlags::empty();
    for modifier in pattern.modifiers.iter() {
        match modifier {
            // The only modifier accepted by hex patterns is `private`.
            ast::PatternModifier::Private { .. } => {
                pattern_flags |= PatternFlags::Private;
            }
            _ => {
                return Err(InvalidModifier::build(
                    ctx.report_builder,
                    "this modifier can't be applied to a hex pattern"
                        .to_string(),
                    ctx.report_builder.span_to_code_loc(modifier.span()),
                ));
            }
        }
    }

    let hir = re::hir::Hir::from(hex_pattern_hir_from_ast(ctx, pattern)?);

    // Check if the hex pattern can be written as an ASCII string. For instance,
    // {61 61 61} can be written as "aaa", which is more legible. The string
    // must contain only printable ASCII characters, tabs, newlines or line
    // breaks.
    if let Some(literal) =
        hir.as_literal_bytes().and_then(|lit| lit.to_str().ok())
        && literal.chars().all(|c| {
            (' '..='~').contains(&c) || c == '\t' || c == '\n' || c == '\r'
        })
    {
        let code_loc = ctx.report_builder.span_to_code_loc(pattern.span());
        let mut warning =
            TextPatternAsHex::build(ctx.report_builder, code_loc.clone());

        warning.report_mut().patch(code_loc, escape(literal));

        ctx.warnings.add(|| warning);
    }

    Ok(PatternInRule {
        identifier: pattern.identifier.clone(),
        in_use: false,
        span: pattern.span(),
        pattern: Pattern::Hex(RegexpPattern {
            hir,
            flags: pattern_flags,
            anchored_at: None,
            filesize_bounds: FilesizeBounds::default(),
            header_constraints: HeaderConstraint::default(),
            max_matches_in_fast_scan: NonZeroU32::new(1),
        }),
    })
}

fn escape(s: &str) -> String {
    let mut escaped = String::with_capacity(s.len());
    escaped.push('"');
    for c in s.chars() {
        match c {
            '\r' => escaped.push_str("\\r"),
            '\n' => escaped.push_str("\\n"),
            '\t' => escaped.push_str("\\t"),
            '\\' => escaped.push_str("\\\\"),
            '"' => escaped.push_str("\\\""),
            _ => escaped.push(c),
        }
    }
    escaped.push('"');
    escaped
}

pub(in crate::compiler) fn regexp_pattern_from_ast<'src>(
    ctx: &mut CompileContext,
    pattern: &ast::RegexpPattern<'src>,
) -> Result<PatternInRule<'src>, CompileError> {
    // Regular expressions don't accept `base64`, `base64wide` and `xor`
    // modifiers.
    for modifier in pattern.modifiers.iter() {
        match modifier {
            ast::PatternModifier::Base64 { .. }
            | ast::PatternModifier::Base64Wide { .. }
            | ast::PatternModifier::Xor { .. } => {
                return Err(InvalidModifier::build(
                    ctx.report_builder,
                    "this modifier can't be applied to a regexp".to_string(),
                    ctx.report_builder.span_to_code_loc(modifier.span()),
                ));
            }
            _ => {}
        }
    }

    let mut flags = PatternFlags::empty();

    if pattern.modifiers.wide().is_some() {
        if pattern.modifiers.ascii().is_some() {
            flags |= PatternFlags::WideAndAscii;
        } else {
            flags |= PatternFlags::WideOnly;
        }
    }

    if pattern.modifiers.fullword().is_some() {
        flags |= PatternFlags::Fullword;
    }

    if pattern.modifiers.private().is_some() {
        flags |= PatternFlags::Private;
    }

    // A regexp pattern can use either the `nocase` modifier or the `/i`
    // modifier (e.g: /foobar/i). In both cases it means the same thing.
    if pattern.modifiers.nocase().is_some() || pattern.regexp.case_insensitive
    {
        flags |= PatternFlags::Nocase;
    }

    // When both the `nocase` modifier and the `/i` modifier are used together,
    // raise a warning because one of them is redundant.
    if pattern.modifiers.nocase().is_some() && pattern.regexp.case_insensitive
    {
        let i_pos = pattern.regexp.literal.rfind('i').unwrap();

        ctx.warnings.add(|| {
            warnings::RedundantCaseModifier::build(
                ctx.report_builder,
                ctx.report_builder.span_to_code_loc(
                    pattern.modifiers.nocase().unwrap().span(),
                ),
                ctx.report_builder.span_to_code_loc(
                    pattern.regexp.span().subspan(i_pos, i_pos + 1),
                ),
            )
        });
    }

    // Notice that regexp patterns can't mix greedy and non-greedy repetitions,
    // like in `/ab.*cd.*?ef/`. All repetitions must have the same greediness.
    // In order to explain why this restriction is necessary consider the
    // regexp /a.*?bbbb/. The atom extracted from this regexp is "bbbb", and
    // once it is found, the rest of the regexp is matched backwards. Now
    // consider the string "abbbbbbbb", there are multiple occurrences of the
    // "bbbb" atom in this string, and every time the atom is found we need to
    // verify if the regexp actually matches. In all cases the regexp matches,
    // but the length of the match is different each time, the first time it
    // finds the match "abbbb", the second time it finds "abbbbb", the third
    // time "abbbbbb", and so on. All these matches occur at the same offset
    // within the string (offset 0), but they have different lengths, which
    // length should we report to the user? Should we report a match at offset
    // 0 with length 6 ("abbbbb")? Or should we report a match at offset 0 with
    // length 9 "abbbbbbbb"? Well, that depends on the greediness of the
    // regexp. In this case the regexp contains a non-greedy repetition
    // (i.e: .*?), therefore the match should be "abbbbb", not "abbbbbbbb". If
    // we replace .*? with .*, then the match should be the longest one,
    // "abbbbbbbb".
    //
    // As long as repetitions in the regexp are all greedy or all non-greedy,
    // we can know the overall greediness of the regexp, and decide whether we
    // should aim for the longest, or the shortest possible match when multiple
    // matches that start at the same offset are found while scanning backwards
    // (right-to-left). However, if the regexp contains a mix of greedy and
    // non-greedy repetitions the decision becomes impossible.
    let hir = re::parser::Parser::new()
        .force_case_sensitiveness(if flags.contains(PatternFlags::Nocase) {
            Some(re::parser::CaseSensitiveness::Insensitive)
        } else {
            None
        })
        .allow_mixed_greediness(false)
        .relaxed_re_syntax(ctx.relaxed_re_syntax)
        .parse(&pattern.regexp)
        .map_err(|err| {
            re_error_to_compile_error(ctx.report_builder, &pattern.regexp, err)
        })?;

    // TODO: raise warning when .* used, propose using the non-greedy
    // variant .*?

    Ok(PatternInRule {
        identifier: pattern.identifier.clone(),
        in_use: false,
        span: pattern.span(),
        pattern: Pattern::Regexp(RegexpPattern {
            flags,
            hir,
            anchored_at: None,
            filesize_bounds: FilesizeBounds::default(),
            header_constraints: HeaderConstraint::default(),
            max_matches_in_fast_scan: NonZeroU32::new(1),
        }),
    })
}

/// Given the AST for some expression, creates its IR.
fn expr_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    expr: &ast::Expr<'src>,
) -> Result<ExprId, CompileError> {
    let expr = match expr {
        ast::Expr::Entrypoint { span } => {
            let code_loc = ctx.report_builder.span_to_code_loc(span.clone());

            let mut err = EntrypointUnsupported::build(
                ctx.report_builder,
                code_loc.clone(),
            );

            err.report_mut()
                .new_section(Level::HELP, "use `pe.entry_point`, elf.entry_point` or `macho.entry_point`")
                .patch(code_loc, "pe.entry_point");

            return Err(err);
        }
        ast::Expr::Filesize { .. } => ctx.ir.filesize(),

        ast::Expr::True { .. } => {
            ctx.ir.constant(TypeValue::const_bool_from(true))
        }

        ast::Expr::False { .. } => {
            ctx.ir.constant(TypeValue::const_bool_from(false))
        }

        ast::Expr::LiteralInteger(lit) => ctx.ir.constant(
            TypeValue::const_integer_from_bits(lit.value, lit.is_unsigned),
        ),

        ast::Expr::LiteralFloat(lit) => {
            ctx.ir.constant(TypeValue::const_float_from(lit.value))
        }

        ast::Expr::LiteralString(lit) => {
            ctx.ir.constant(TypeValue::const_string_from(lit.value.as_bytes()))
        }

        ast::Expr::Regexp(regexp) => {
            let hir = re::parser::Parser::new()
                .relaxed_re_syntax(ctx.relaxed_re_syntax)
                .parse(regexp.as_ref())
                .map_err(|err| {
                    re_error_to_compile_error(ctx.report_builder, regexp, err)
                })?;

            hir.build_automata().map_err(|err| {
                InvalidRegexp::build(
                    ctx.report_builder,
                    err.to_string(),
                    ctx.report_builder.span_to_code_loc(regexp.span()),
                    None,
                )
            })?;

            ctx.ir
                .constant(TypeValue::Regexp(Some(Regexp::new(regexp.literal))))
        }

        ast::Expr::Defined(expr) => defined_expr_from_ast(ctx, expr)?,

        // Boolean operations
        ast::Expr::Not(expr) => not_expr_from_ast(ctx, expr)?,
        ast::Expr::And(operands) => and_expr_from_ast(ctx, operands)?,
        ast::Expr::Or(operands) => or_expr_from_ast(ctx, operands)?,

        // Arithmetic operations
        ast::Expr::Minus(expr) => minus_expr_from_ast(ctx, expr)?,
        ast::Expr::Add(expr) => add_expr_from_ast(ctx, expr)?,
        ast::Expr::Sub(expr) => sub_expr_from_ast(ctx, expr)?,
        ast::Expr::Mul(expr) => mul_expr_from_ast(ctx, expr)?,
        ast::Expr::Div(expr) => div_expr_from_ast(ctx, expr)?,
        ast::Expr::Mod(expr) => mod_expr_from_ast(ctx, expr)?,

        // Shift operations
        ast::Expr::Shl(expr) => shl_expr_from_ast(ctx, expr)?,
        ast::Expr::Shr(expr) => shr_expr_from_ast(ctx, expr)?,

        // Bitwise operations
        ast::Expr::BitwiseNot(expr) => bitwise_not_expr_from_ast(ctx, expr)?,
        ast::Expr::BitwiseAnd(expr) => bitwise_and_expr_from_ast(ctx, expr)?,
        ast::Expr::BitwiseOr(expr) => bitwise_or_expr_from_ast(ctx, expr)?,
        ast::Expr::BitwiseXor(expr) => bitwise_xor_expr_from_ast(ctx, expr)?,

        // Comparison operations
        ast::Expr::Eq(expr) => {
            let eq_expr = eq_expr_from_ast(ctx, expr)?;

            let (lhs, rhs) = match ctx.ir.get(eq_expr) {
                Expr::Eq { lhs, rhs } => (*lhs, *rhs),
                _ => unreachable!(),
            };

            let span = expr.span();

            let lhs_span = expr.lhs.span();
            let rhs_span = expr.rhs.span();

            let lhs_expr = ctx.ir.get(lhs);
            let rhs_expr = ctx.ir.get(rhs);

            // Detect cases in which the equal operator is comparing a boolean
            // expression with an integer constant (e.g: `pe.is_signed == 0`).
            // This is quite common in YARA rules, it is accepted without
            // errors, but a warning is raised.
            let lhs_tv = lhs_expr.type_value();
            let rhs_tv = rhs_expr.type_value();
            let replacement = match (
                &lhs_tv,
                lhs_tv.try_as_const_i128(),
                &rhs_tv,
                rhs_tv.try_as_const_i128(),
            ) {
                (TypeValue::Bool { .. }, _, _, Some(0)) => Some((
                    ctx.ir.not(lhs),
                    format!(
                        "not {}",
                        ctx.report_builder.get_snippet(lhs_span)
                    ),
                )),
                (_, Some(0), TypeValue::Bool { .. }, _) => Some((
                    ctx.ir.not(rhs),
                    format!(
                        "not {}",
                        ctx.report_builder.get_snippet(rhs_span)
                    ),
                )),
                (TypeValue::Bool { .. }, _, _, Some(1)) => {
                    Some((lhs, ctx.report_builder.get_snippet(lhs_span)))
                }
                (_, Some(1), TypeValue::Bool { .. }, _) => {
                    Some((rhs, ctx.report_builder.get_snippet(rhs_span)))
                }
                _ => None,
            };

            if let Some((replacement_expr, replacement)) = replacement {
                let code_loc = ctx.report_builder.span_to_code_loc(span);
                let mut warning = warnings::BooleanIntegerComparison::build(
                    ctx.report_builder,
                    code_loc.clone(),
                );

                warning.report_mut().patch(code_loc, replacement);
                ctx.warnings.add(|| warning);
                replacement_expr
            } else {
                eq_expr
            }
        }
        ast::Expr::Ne(expr) => ne_expr_from_ast(ctx, expr)?,
        ast::Expr::Gt(expr) => gt_expr_from_ast(ctx, expr)?,
        ast::Expr::Ge(expr) => ge_expr_from_ast(ctx, expr)?,
        ast::Expr::Lt(expr) => lt_expr_from_ast(ctx, expr)?,
        ast::Expr::Le(expr) => le_expr_from_ast(ctx, expr)?,

        // String operations
        ast::Expr::Contains(expr) => contains_expr_from_ast(ctx, expr)?,
        ast::Expr::IContains(expr) => icontains_expr_from_ast(ctx, expr)?,
        ast::Expr::StartsWith(expr) => startswith_expr_from_ast(ctx, expr)?,
        ast::Expr::IStartsWith(expr) => istartswith_expr_from_ast(ctx, expr)?,
        ast::Expr::EndsWith(expr) => endswith_expr_from_ast(ctx, expr)?,
        ast::Expr::IEndsWith(expr) => iendswith_expr_from_ast(ctx, expr)?,
        ast::Expr::IEquals(expr) => iequals_expr_from_ast(ctx, expr)?,
        ast::Expr::Matches(expr) => matches_expr_from_ast(ctx, expr)?,
        ast::Expr::Of(of) => of_expr_from_ast(ctx, of)?,
        ast::Expr::ForOf(for_of) => for_of_expr_from_ast(ctx, for_of)?,
        ast::Expr::ForIn(for_in) => for_in_expr_from_ast(ctx, for_in)?,
        ast::Expr::With(with) => with_expr_from_ast(ctx, with)?,
        ast::Expr::FuncCall(func_call) => func_call_from_ast(ctx, func_call)?,

        ast::Expr::FieldAccess(expr) => {
            let mut operands = Vec::with_capacity(expr.operands.len());
            // Iterate over all operands except the last one. These operands
            // must be structures. For instance, in `foo.bar.baz`, `foo` and
            // `bar` must be structures, while `baz` can be of any type. This
            // will change in the future when other types can have methods.
            for operand in expr.operands.iter().dropping_back(1) {
                let expr = expr_from_ast(ctx, operand)?;
                check_type(ctx, expr, operand.span(), &[Type::Struct])?;
                operands.push(expr);
                // The one-shot symbol table is set to the symbol table that
                // corresponds to the type of the most recent expression. For
                // instance, after parsing `foo`, the one-shot symbol table
                // corresponds to the type of `foo`, so that `.bar` can be
                // resolved in the next iteration of this loop.
                ctx.one_shot_symbol_table =
                    ctx.ir.get(expr).type_value().symbol_table();
            }

            // Now process the last operand.
            operands.push(expr_from_ast(ctx, expr.operands.last().unwrap())?);

            ctx.ir.field_access(operands)
        }

        ast::Expr::Ident(ident) => {
            let symbol = ctx.lookup(ident)?;

            // If the symbol is a structure field, and it has an ACL, check if
            // the conditions imposed in the ACL are met. If the conditions are
            // not met an error is raised.
            if let Symbol::Field { acl: Some(ref acl), .. } = symbol {
                for entry in acl {
                    // True if any of the features in the `accept_if` list is
                    // present in the compiler. If the list is empty it's also
                    // accepted.
                    let accepted = entry.accept_if.is_empty()
                        || entry
                            .accept_if
                            .iter()
                            .any(|accepted| ctx.features.contains(accepted));

                    // True if any of the features in the `reject_if` list is
                    // present in the compiler.
                    let rejected = entry
                        .reject_if
                        .iter()
                        .any(|rejected| ctx.features.contains(rejected));

                    if !accepted || rejected {
                        return Err(CustomError::build(
                            ctx.report_builder,
                            entry.error_title.clone(),
                            entry.error_label.clone(),
                            ctx.report_builder.span_to_code_loc(ident.span()),
                        ));
                    }
                }
            }

            match symbol {
                // If the symbol is a deprecated field, raise the appropriate
                // warning.
                Symbol::Field {
                    deprecation_notice: Some(ref notice), ..
                } => {
                    let code_loc =
                        ctx.report_builder.span_to_code_loc(ident.span());

                    let mut warning = warnings::DeprecatedField::build(
                        ctx.report_builder,
                        ident.name.to_string(),
                        code_loc.clone(),
                        notice.text.clone(),
                    );

                    if let Some(replacement) = &notice.replacement {
                        warning
                            .report_mut()
                            .new_section(
                                Level::HELP,
                                notice.help.clone().unwrap_or(
                                    "apply the following changes".to_owned(),
                                ),
                            )
                            .patch(code_loc, replacement);
                    }

                    ctx.warnings.add(|| warning);
                }
                // If the symbol is a global rule, raise a warning. A global
                // rule should not be used in a rule condition.
                Symbol::Rule { is_global: true, .. } => {
                    ctx.warnings.add(|| {
                        warnings::GlobalRuleMisuse::build(
                            ctx.report_builder,
                            ctx.report_builder.span_to_code_loc(ident.span()),
                            Some("referencing a global rule in a condition is redundant, and may result in an unsatisfiable condition".to_string()),
                        )
                    });
                }
                _ => {}
            }

            ctx.ir.ident(symbol)
        }

        ast::Expr::PatternMatch(p) => {
            let anchor = anchor_from_ast(ctx, &p.anchor)?;

            match p.identifier.name {
                "$" => {
                    // If the identifier is just `$`, and we are not inside a
                    // loop, that's an error.
                    if ctx.for_of_depth == 0 {
                        return Err(SyntaxError::build(
                            ctx.report_builder,
                            "this `$` is outside of the body of a `for .. of` statement".to_string(),
                            ctx.report_builder.span_to_code_loc(p.identifier.span()),
                        ));
                    }
                    // If we are inside a loop, we don't know which is the
                    // PatternId because `$` refers to a different pattern on
                    // each iteration. In those cases the symbol table must
                    // contain an entry for `$`, corresponding to the variable
                    // that holds the current PatternId for the loop.
                    ctx.ir.pattern_match_var(
                        ctx.symbol_table.lookup("$").unwrap(),
                        anchor,
                    )
                }
                _ => {
                    let (pattern_idx, pattern) =
                        ctx.get_pattern_mut(&p.identifier)?;

                    pattern.mark_as_used();

                    if !matches!(anchor, MatchAnchor::None) {
                        pattern.disallow_fast_scan();
                    }

                    ctx.ir.pattern_match(pattern_idx, anchor)
                }
            }
        }

        ast::Expr::PatternCount(p) => {
            // If the identifier is just `#`, and we are not inside a loop,
            // that's an error.
            if p.identifier.name == "#" && ctx.for_of_depth == 0 {
                return Err(SyntaxError::build(
                    ctx.report_builder,
                    "this `#` is outside of the body of a `for .. of` statement".to_string(),
                    ctx.report_builder.span_to_code_loc(p.identifier.span()),
                ));
            }
            match (p.identifier.name, &p.range) {
                // Cases where the identifier is `#`.
                ("#", Some(range)) => {
                    let range = range_from_ast(ctx, range)?;
                    ctx.ir.pattern_count_var(
                        ctx.symbol_table.lookup("$").unwrap(),
                        Some(range),
                    )
                }
                ("#", None) => ctx.ir.pattern_count_var(
                    ctx.symbol_table.lookup("$").unwrap(),
                    None,
                ),
                // Cases where the identifier is not `#`.
                (_, Some(range)) => {
                    let range = range_from_ast(ctx, range)?;
                    let (pattern_idx, pattern) =
                        ctx.get_pattern_mut(&p.identifier)?;
                    pattern.mark_as_used().disallow_fast_scan();
                    ctx.ir.pattern_count(pattern_idx, Some(range))
                }
                (_, None) => {
                    let (pattern_idx, pattern) =
                        ctx.get_pattern_mut(&p.identifier)?;
                    pattern.mark_as_used();
                    ctx.ir.pattern_count(pattern_idx, None)
                }
            }
        }

        ast::Expr::PatternOffset(p) => {
            // If the identifier is just `@`, and we are not inside a loop,
            // that's an error.
            if p.identifier.name == "@" && ctx.for_of_depth == 0 {
                return Err(SyntaxError::build(
                    ctx.report_builder,
                    "this `@` is outside of the body of a `for .. of` statement".to_string(),
                    ctx.report_builder.span_to_code_loc(p.identifier.span()),
                ));
            }
            match (p.identifier.name, &p.index) {
                // Cases where the identifier is `@`.
                ("@", Some(index)) => {
                    let range =
                        integer_in_range_from_ast(ctx, index, 1..=i64::MAX)?;
                    ctx.ir.pattern_offset_var(
                        ctx.symbol_table.lookup("$").unwrap(),
                        Some(range),
                    )
                }
                ("@", None) => ctx.ir.pattern_offset_var(
                    ctx.symbol_table.lookup("$").unwrap(),
                    None,
                ),
                // Cases where the identifier is not `@`.
                (_, Some(index)) => {
                    let range =
                        integer_in_range_from_ast(ctx, index, 1..=i64::MAX)?;
                    let (pattern_idx, pattern) =
                        ctx.get_pattern_mut(&p.identifier)?;
                    pattern.mark_as_used().disallow_fast_scan();
                    ctx.ir.pattern_offset(pattern_idx, Some(range))
                }
                (_, None) => {
                    let (pattern_idx, pattern) =
                        ctx.get_pattern_mut(&p.identifier)?;
                    pattern.mark_as_used().disallow_fast_scan();
                    ctx.ir.pattern_offset(pattern_idx, None)
                }
            }
        }

        ast::Expr::PatternLength(p) => {
            // If the identifier is just `!`, and we are not inside a loop,
            // that's an error.
            if p.identifier.name == "!" && ctx.for_of_depth == 0 {
                return Err(SyntaxError::build(
                    ctx.report_builder,
                    "this `!` is outside of the body of a `for .. of` statement".to_string(),
                    ctx.report_builder.span_to_code_loc(p.identifier.span()),
                ));
            }
            match (p.identifier.name, &p.index) {
                // Cases where the identifier is `!`.
                ("!", Some(index)) => {
                    let index =
                        integer_in_range_from_ast(ctx, index, 1..=i64::MAX)?;
                    ctx.ir.pattern_length_var(
                        ctx.symbol_table.lookup("$").unwrap(),
                        Some(index),
                    )
                }
                ("!", None) => ctx.ir.pattern_length_var(
                    ctx.symbol_table.lookup("$").unwrap(),
                    None,
                ),
                // Cases where the identifier is not `!`.
                (_, Some(index)) => {
                    let index =
                        integer_in_range_from_ast(ctx, index, 1..=i64::MAX)?;
                    let (pattern_idx, pattern) =
                        ctx.get_pattern_mut(&p.identifier)?;
                    pattern.mark_as_used().disallow_fast_scan();
                    ctx.ir.pattern_length(pattern_idx, Some(index))
                }
                (_, None) => {
                    let (pattern_idx, pattern) =
                        ctx.get_pattern_mut(&p.identifier)?;
                    pattern.mark_as_used().disallow_fast_scan();
                    ctx.ir.pattern_length(pattern_idx, None)
                }
            }
        }

        ast::Expr::Lookup(expr) => {
            let primary = expr_from_ast(ctx, &expr.primary)?;

            match ctx.ir.get(primary).type_value() {
                TypeValue::Array(array) => {
                    let index =
                        non_negative_integer_from_ast(ctx, &expr.index)?;
                    ctx.ir.lookup(array.deputy(), primary, index)
                }
                TypeValue::Map(map) => {
                    let (key_ty, deputy_value) = match map.borrow() {
                        Map::IntegerKeys { deputy: Some(value), .. } => {
                            (Type::Integer, value)
                        }
                        Map::StringKeys { deputy: Some(value), .. } => {
                            (Type::String, value)
                        }
                        _ => unreachable!(),
                    };

                    let index = expr_from_ast(ctx, &expr.index)?;

                    // The type of the key/index expression should correspond
                    // with the type of the map's keys.
                    check_type(ctx, index, expr.index.span(), &[key_ty])?;
                    ctx.ir.lookup(deputy_value.clone(), primary, index)
                }
                type_value => {
                    return Err(WrongType::build(
                        ctx.report_builder,
                        format!("`{}` or `{}`", Type::Array, Type::Map),
                        format!("`{}`", type_value.ty()),
                        ctx.report_builder
                            .span_to_code_loc(expr.primary.span()),
                        None,
                    ));
                }
            }
        }
    };

    Ok(expr)
}

pub(in crate::compiler) fn rule_condition_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    rule: &'src ast::Rule<'src>,
) -> Result<ExprId, CompileError> {
    // Start with clean IR tree.
    ctx.ir.clear();

    let condition = bool_expr_from_ast(ctx, &rule.condition)?;

    // Check if the value of the condition is known at compile time and
    // raise a warning if that's the case. Rules with constant conditions
    // are not very useful in real life, except for testing.
    if let Some(value) =
        ctx.ir.get(condition).type_value().cast_to_bool().try_as_bool()
    {
        ctx.warnings.add(|| {
            warnings::InvariantBooleanExpression::build(
                ctx.report_builder,
                value,
                ctx.report_builder.span_to_code_loc(rule.condition.span()),
                Some(format!(
                    "rule `{}` is always `{}`",
                    rule.identifier.name, value
                )),
            )
        });
    }

    ctx.ir.root = Some(condition);

    // Now that the full IR tree has been built and every node's parent is
    // recorded in `ctx.ir`, traverse the condition to compute the fast-scan
    // match limit for each unbounded pattern count (`#a`).
    //
    // Unlike range-bounded counts (`#a in (..)`), offsets (`@a`), or lengths
    // (`!a`)—which immediately disallow fast-scan during AST-to-IR conversion—
    // the number of matches required for `#a` depends on its parent expression
    // in the IR (e.g., `#a > 1000` requires 1001 matches, `#a < 1000` requires
    // 1000 matches, while `#a == #b` requires tracking all matches).
    for event in ctx.ir.dfs_iter(condition) {
        if let dfs::Event::Enter((
            expr_id,
            Expr::PatternCount { pattern, range: None },
            _,
        )) = event
        {
            let limit = ctx.ir.required_matches_for_count(expr_id);
            ctx.current_rule_patterns[pattern.as_usize()]
                .update_max_matches_in_fast_scan(limit);
        }
    }

    anchor_patterns(ctx);
    check_unintended_patterns_in_sets(ctx, &rule.condition);

    Ok(condition)
}

/// Traverses the rule's condition IR and determines which patterns can be
/// anchored at a fixed offset.
fn anchor_patterns(ctx: &mut CompileContext) {
    // Identify patterns that are unconditionally required to match at a
    // constant offset for the rule's condition to be true (e.g., `$a at 0`
    // in `all of them and $a at 0`).
    let mut top_level_anchors = vec![None; ctx.current_rule_patterns.len()];

    ctx.ir.find_top_level_anchors(|pattern, offset| {
        top_level_anchors[pattern.as_usize()] = Some(offset);
    });

    for event in ctx.ir.dfs_iter(ctx.ir.root.unwrap()) {
        match event {
            dfs::Event::Enter((
                _,
                Expr::PatternMatch { pattern, anchor },
                _,
            )) => match anchor {
                // `$a at <expr>`: anchor `$a` if `<expr>` is a compile-time
                // constant; otherwise `$a` cannot be anchored at a fixed
                // offset.
                MatchAnchor::At(expr) => {
                    if let Some(offset) =
                        ctx.ir.get(*expr).try_as_const_integer()
                    {
                        ctx.current_rule_patterns[pattern.as_usize()]
                            .anchor_at(offset as usize);
                    } else {
                        ctx.current_rule_patterns[pattern.as_usize()]
                            .make_non_anchorable();
                    }
                }
                // Unanchored `$a`: if `$a` is also anchored at the top level
                // (e.g., `$a and $a at 0`), ignore this unanchored use so `$a`
                // can remain anchored.
                MatchAnchor::None
                    if top_level_anchors[pattern.as_usize()].is_some() => {}
                // `$a in (..)` or unanchored `$a` without a top-level anchor
                // (e.g., `$a at 0 or $a`): `$a` can match at arbitrary offsets
                // and must be marked non-anchorable.
                _ => {
                    ctx.current_rule_patterns[pattern.as_usize()]
                        .make_non_anchorable();
                }
            },
            dfs::Event::Enter((_, Expr::OfPatternSet(of), _)) => {
                match of.anchor {
                    // `<quantifier> of (<pattern set>) at <expr>`: anchor all
                    // patterns in the set if `<expr>` is a constant, or mark
                    // them non-anchorable otherwise.
                    MatchAnchor::At(expr) => {
                        let anchor_at =
                            ctx.ir.get(expr).try_as_const_integer();
                        for pattern in &of.items {
                            let pattern = &mut ctx.current_rule_patterns
                                [pattern.as_usize()];
                            if let Some(offset) = anchor_at {
                                pattern.anchor_at(offset as usize);
                            } else {
                                pattern.make_non_anchorable();
                            }
                        }
                    }
                    // Unanchored `<quantifier> of (<pattern set>)` (e.g.,
                    // `all of them`): keep any pattern that has a top-level
                    // anchor (such as `$dollar` in `all of them and $dollar at 0`)
                    // anchorable, and mark the rest non-anchorable.
                    MatchAnchor::None => {
                        for pattern in &of.items {
                            if top_level_anchors[pattern.as_usize()].is_none()
                            {
                                ctx.current_rule_patterns[pattern.as_usize()]
                                    .make_non_anchorable();
                            }
                        }
                    }
                    // `<quantifier> of (<pattern set>) in (..)`: all patterns
                    // in the set can match anywhere within the range and must
                    // be marked non-anchorable.
                    _ => {
                        for pattern in &of.items {
                            ctx.current_rule_patterns[pattern.as_usize()]
                                .make_non_anchorable();
                        }
                    }
                }
            }
            // Patterns referenced in `for <quantifier> of <pattern set> : (..)`
            // cannot be anchored.
            dfs::Event::Enter((_, Expr::ForOf(for_of), _)) => {
                for pattern in &for_of.pattern_set {
                    ctx.current_rule_patterns[pattern.as_usize()]
                        .make_non_anchorable();
                }
            }
            // `#a`, `@a`, and `!a` require finding matches across the input,
            // so `$a` cannot be anchored.
            dfs::Event::Enter((
                _,
                Expr::PatternCount { pattern, .. }
                | Expr::PatternOffset { pattern, .. }
                | Expr::PatternLength { pattern, .. },
                _,
            )) => {
                ctx.current_rule_patterns[pattern.as_usize()]
                    .make_non_anchorable();
            }
            _ => {}
        }
    }
}

fn bool_expr_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    ast: &ast::Expr<'src>,
) -> Result<ExprId, CompileError> {
    let expr = expr_from_ast(ctx, ast)?;

    match ctx.ir.get(expr).type_value() {
        TypeValue::Func(func) => {
            let help = func
                .signatures()
                .iter()
                .find(|f| f.args.is_empty() || f.result.ty() == Type::Bool)
                .map(|_| {
                    let style = ctx.report_builder.green_style();
                    format!(
                        "you probably meant {style}{}(){style:#}",
                        ctx.report_builder.get_snippet(ast.span())
                    )
                });

            return Err(WrongType::build(
                ctx.report_builder,
                "`bool`".to_string(),
                "a function".to_string(),
                ctx.report_builder.span_to_code_loc(ast.span()),
                help,
            ));
        }
        TypeValue::Map(_) => {
            return Err(WrongType::build(
                ctx.report_builder,
                "`bool`".to_string(),
                "a map".to_string(),
                ctx.report_builder.span_to_code_loc(ast.span()),
                None,
            ));
        }
        TypeValue::Struct(_) => {
            return Err(WrongType::build(
                ctx.report_builder,
                "`bool`".to_string(),
                "a struct".to_string(),
                ctx.report_builder.span_to_code_loc(ast.span()),
                None,
            ));
        }
        TypeValue::Array(_) => {
            return Err(WrongType::build(
                ctx.report_builder,
                "`bool`".to_string(),
                "an array".to_string(),
                ctx.report_builder.span_to_code_loc(ast.span()),
                None,
            ));
        }
        TypeValue::Regexp(_) => {
            return Err(WrongType::build(
                ctx.report_builder,
                "`bool`".to_string(),
                "a regexp".to_string(),
                ctx.report_builder.span_to_code_loc(ast.span()),
                None,
            ));
        }
        _ => {
            warn_if_not_bool(ctx, expr, ast.span());
        }
    }

    Ok(expr)
}

enum OfItems {
    BoolExprTuple(Vec<ExprId>),
    PatternSet(Vec<PatternIdx>),
}

impl OfItems {
    fn len(&self) -> usize {
        match self {
            OfItems::BoolExprTuple(tuple) => tuple.len(),
            OfItems::PatternSet(pattern_set) => pattern_set.len(),
        }
    }
}

fn of_expr_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    of: &ast::Of<'src>,
) -> Result<ExprId, CompileError> {
    let quantifier = quantifier_from_ast(ctx, &of.quantifier)?;
    let mut stack_frame =
        ctx.vars.new_frame(VarStack::OF_FRAME_SIZE).ok_or_else(|| {
            TooManyVariables::build(
                ctx.report_builder,
                ctx.report_builder.span_to_code_loc(of.span()),
            )
        })?;

    let (items, next_item_var) = match &of.items {
        // `x of (<boolean expr>, <boolean expr>, ...)`
        ast::OfItems::BoolExprTuple(tuple) => {
            let next_item_var = stack_frame.new_var(Type::Bool);
            (
                OfItems::BoolExprTuple(
                    tuple
                        .iter()
                        .map(|e| {
                            let expr = bool_expr_from_ast(ctx, e)?;
                            Ok(expr)
                        })
                        .collect::<Result<Vec<ExprId>, CompileError>>()?,
                ),
                next_item_var,
            )
        }
        // `x of them`, `x of ($a*, $b)`
        ast::OfItems::PatternSet(patterns) => {
            let next_item_var = stack_frame.new_var(Type::Integer);
            (
                OfItems::PatternSet(pattern_set_from_ast(ctx, patterns)?),
                next_item_var,
            )
        }
    };

    let for_vars = ForVars {
        n: stack_frame.new_var(Type::Integer),
        i: stack_frame.new_var(Type::Integer),
        max_count: stack_frame.new_var(Type::Integer),
        count: stack_frame.new_var(Type::Integer),
        item: next_item_var,
    };

    if let Quantifier::Expr(expr) = &quantifier
        && let Some(value) = ctx.ir.get(*expr).try_as_const_integer()
    {
        // The use of `0 of them` is not recommended, because is not clear
        // if 0 or more patterns must match, or if none of them should
        // match.
        if value == 0 {
            let mut warning = warnings::AmbiguousExpression::build(
                ctx.report_builder,
                ctx.report_builder.span_to_code_loc(of.span()),
            );

            warning
                .report_mut()
                .new_section(
                    Level::HELP,
                    "consider using `none` instead of `0`",
                )
                .patch(
                    ctx.report_builder.span_to_code_loc(of.quantifier.span()),
                    "none",
                );

            ctx.warnings.add(|| warning)
        }
        // If the quantifier expression is greater than the number of items,
        // the `of` expression is always false.
        if value > items.len() as i64 {
            ctx.warnings.add(|| warnings::InvariantBooleanExpression::build(
                    ctx.report_builder,
                    false,
                    ctx.report_builder.span_to_code_loc(of.span()),
                    Some(format!(
                        "the expression requires {} matching patterns out of {}",
                        value, items.len()
                    )),
                ));
        }
    }

    // The anchor `at <expr>` is being used with a quantifier that is not `any`
    // or `none`, but this usually doesn't make sense. For example consider the
    // expression...
    //
    //   all of ($a, $b) at 0
    //
    // This means that both $a and $b must match at offset 0, which won't happen
    // unless $a and $b are overlapping patterns. In the other hand, these
    // expressions make perfect sense...
    //
    //  none of ($a, $b) at 0
    //  any of ($a, $b) at 0
    //
    // Raise a warning in those cases that are probably wrong.
    //
    if matches!(of.anchor, Some(ast::MatchAnchor::At(_))) {
        let raise_warning = match &quantifier {
            // `all of <items> at <expr>`: the warning is raised only if there
            // are more than one item. `all of ($a) at 0` doesn't raise a
            // warning.
            Quantifier::All => items.len() > 1,
            // `<expr> of <items> at <expr>: the warning is raised if <expr> is
            // 2 or more.
            Quantifier::Expr(expr) => matches!(
                ctx.ir.get(*expr).type_value().try_as_const_i128(),
                Some(value) if value >= 2
            ),
            // `<expr>% of <items> at <expr>: the warning is raised if the
            // <expr> percent of the items is 2 or more.
            Quantifier::Percentage(expr) => {
                match ctx.ir.get(*expr).type_value().try_as_const_i128() {
                    Some(percentage) => {
                        items.len() as f64 * percentage as f64 / 100.0 >= 2.0
                    }
                    None => false,
                }
            }
            Quantifier::None | Quantifier::Any => false,
        };

        if raise_warning {
            ctx.warnings.add(|| {
                warnings::PotentiallyUnsatisfiableExpression::build(
                    ctx.report_builder,
                    ctx.report_builder.span_to_code_loc(of.quantifier.span()),
                    ctx.report_builder
                        .span_to_code_loc(of.anchor.as_ref().unwrap().span()),
                )
            });
        }
    }

    let anchor = anchor_from_ast(ctx, &of.anchor)?;

    if !matches!(anchor, MatchAnchor::None)
        && let OfItems::PatternSet(ref pattern_set) = items
    {
        for &pattern_idx in pattern_set {
            ctx.current_rule_patterns[pattern_idx.as_usize()]
                .disallow_fast_scan();
        }
    }

    ctx.vars.unwind(&stack_frame);

    let expr = match items {
        // `x of (<boolean expr>, <boolean expr>, ...)`
        OfItems::BoolExprTuple(exprs) => {
            ctx.ir.of_expr_tuple(quantifier, for_vars, exprs, anchor)
        }
        // `x of them`, `x of ($a*, $b)`
        OfItems::PatternSet(pattern_set) => {
            ctx.ir.of_pattern_set(quantifier, for_vars, pattern_set, anchor)
        }
    };

    Ok(expr)
}

fn for_of_expr_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    for_of: &ast::ForOf<'src>,
) -> Result<ExprId, CompileError> {
    let quantifier = quantifier_from_ast(ctx, &for_of.quantifier)?;
    let pattern_set = pattern_set_from_ast(ctx, &for_of.pattern_set)?;

    let mut stack_frame =
        ctx.vars.new_frame(VarStack::FOR_OF_FRAME_SIZE).ok_or_else(|| {
            TooManyVariables::build(
                ctx.report_builder,
                ctx.report_builder.span_to_code_loc(for_of.span()),
            )
        })?;

    let for_vars = ForVars {
        n: stack_frame.new_var(Type::Integer),
        i: stack_frame.new_var(Type::Integer),
        max_count: stack_frame.new_var(Type::Integer),
        count: stack_frame.new_var(Type::Integer),
        item: stack_frame.new_var(Type::Integer),
    };

    let mut loop_vars = SymbolTable::new();

    loop_vars.insert(
        "$",
        Symbol::Var {
            var: for_vars.item,
            type_value: TypeValue::unknown_signed_integer(),
        },
    );

    ctx.symbol_table.push(Rc::new(RefCell::new(loop_vars)));
    ctx.for_of_depth += 1;

    let body = bool_expr_from_ast(ctx, &for_of.body)?;

    // Traverse the loop's body to determine how the anonymous pattern variable
    // (`$`, `#`, `@`, `!`) is used, and compute the fast-scan match limit that
    // must be applied to all patterns in `pattern_set`:
    //
    // - By default, `max_matches` starts at 1 (suitable when the body only
    //   performs un-anchored boolean checks like `$`).
    // - If the body uses `@` (`PatternOffsetVar`), `!` (`PatternLengthVar`),
    //   `# in (..)` (`PatternCountVar` with a range), or an anchored `$`
    //   (`$ at ..` / `$ in (..)`), all matches must be tracked and we can stop
    //   the traversal early.
    // - If the body uses an unbounded `#` (`PatternCountVar` with `range: None`,
    //   e.g. `# > 10`), `required_matches_for_count` inspects the parent
    //   comparison node to determine how many matches are needed, and we keep
    //   the maximum required count across all uses in the body.
    let mut max_matches = NonZeroU32::new(1);

    for event in ctx.ir.dfs_iter(body) {
        if let dfs::Event::Enter((expr_id, expr, _)) = event {
            let limit = match expr {
                Expr::PatternOffsetVar { .. }
                | Expr::PatternLengthVar { .. }
                | Expr::PatternCountVar { range: Some(_), .. } => None,
                Expr::PatternMatchVar { anchor, .. }
                    if !matches!(anchor, MatchAnchor::None) =>
                {
                    None
                }
                Expr::PatternCountVar { range: None, .. } => {
                    ctx.ir.required_matches_for_count(expr_id)
                }
                _ => continue,
            };

            max_matches = match (max_matches, limit) {
                (Some(curr), Some(new)) => Some(curr.max(new)),
                _ => None,
            };

            if max_matches.is_none() {
                break;
            }
        }
    }

    for &pattern_idx in &pattern_set {
        ctx.current_rule_patterns[pattern_idx.as_usize()]
            .update_max_matches_in_fast_scan(max_matches);
    }

    ctx.for_of_depth -= 1;
    ctx.symbol_table.pop();
    ctx.vars.unwind(&stack_frame);

    if let Quantifier::Expr(expr) = &quantifier
        && let Some(value) = ctx.ir.get(*expr).try_as_const_integer()
    {
        // If the quantifier expression is greater than the number of items,
        // the `of` expression is always false.
        if value > pattern_set.len() as i64 {
            ctx.warnings.add(|| warnings::InvariantBooleanExpression::build(
                    ctx.report_builder,
                    false,
                    ctx.report_builder.span_to_code_loc(for_of.span()),
                    Some(format!(
                        "the expression requires {} matching patterns out of {}",
                        value, pattern_set.len()
                    )),
                ));
        }
    }

    Ok(ctx.ir.for_of(quantifier, for_vars, pattern_set, body))
}

fn is_potentially_large_range(ctx: &CompileContext, range: &Range) -> bool {
    // If the range's lower bound is not constant, we don't consider it a
    // potentially large range. For instance (filesize-100, filesize) is not
    // potentially large.
    if !ctx.ir.get(range.lower_bound).type_value().is_const() {
        return false;
    }

    // If the lower bound is constant, and the upper bound is some expression
    // that depends on `filesize` or the number of occurrences of some pattern
    // (i.e: #a), we consider it a potentially large range. The only exception
    // is when `math.min` is used, like in `(0..math.min(filesize, 1000))`
    ctx.ir
        .dfs_find(
            range.upper_bound,
            // Traverse the upper bound expression looking for the use of filesize
            // or a pattern count.
            |node| matches!(node, Expr::Filesize | Expr::PatternCount { .. }),
            // Don't traverse the arguments of `math.min`.
            |node| {
                if let Expr::FuncCall(func) = node {
                    func.signature
                        .mangled_name
                        .as_str()
                        .eq("math.min@a:i64,b:i64@i64")
                } else {
                    false
                }
            },
        )
        .is_some()
}

fn for_in_expr_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    for_in: &ast::ForIn<'src>,
) -> Result<ExprId, CompileError> {
    let quantifier = quantifier_from_ast(ctx, &for_in.quantifier)?;
    let iterable = iterable_from_ast(ctx, &for_in.iterable)?;

    let parent_multiplier = ctx.loop_iteration_multiplier;

    if let Some(loop_iterations) = iterable.num_iterations(ctx.ir) {
        let combined_iterations =
            parent_multiplier.saturating_mul(loop_iterations);
        if combined_iterations > MAX_LOOP_ITERATIONS {
            ctx.warnings.add(|| {
                warnings::TooManyIterations::build(
                    ctx.report_builder,
                    combined_iterations,
                    ctx.report_builder.span_to_code_loc(for_in.span()),
                )
            });
        }
        ctx.loop_iteration_multiplier = combined_iterations;
    }

    let (expected_vars, iterable_ty) = match &iterable {
        Iterable::Range(range) => {
            // Raise warning when the `for` loop iterates over a range that
            // may be very large, because it depends on the file size or the
            // number of occurrences of some pattern (i.e: #a).
            if is_potentially_large_range(ctx, range) {
                if ctx.error_on_slow_loop {
                    return Err(PotentiallySlowLoop::build(
                        ctx.report_builder,
                        ctx.report_builder
                            .span_to_code_loc(for_in.iterable.span()),
                    ));
                } else {
                    ctx.warnings.add(|| {
                        warnings::PotentiallySlowLoop::build(
                            ctx.report_builder,
                            ctx.report_builder
                                .span_to_code_loc(for_in.iterable.span()),
                        )
                    })
                }
            }
            (vec![TypeValue::unknown_signed_integer()], Type::Unknown)
        }
        Iterable::ExprTuple(expressions) => {
            // All expressions in the tuple have the same type, we can use
            // the type of the first item in the tuple as the type of the
            // loop variable. Notice that we are using `clone_without_value`
            // instead of `clone`, because we want a TypeValue with the same
            // type as the first item in the tuple, but we don't want to
            // clone its actual value if known. The actual value for the
            // loop variable is not known until the loop is executed.
            let mut type_value = expressions
                .first()
                .map(|node_idx| ctx.ir.get(*node_idx).type_value())
                .unwrap()
                .clone_without_value();

            // If the items are integers, the loop variable is unsigned when
            // at least one of the items is unsigned, which is the same rule
            // used for determining the signedness of arithmetic operations.
            // In that case the signed items are interpreted as unsigned, and
            // negative constants change their values.
            if type_value.ty() == Type::Integer {
                if ctx.ir.is_unsigned_result(expressions) {
                    type_value = TypeValue::unknown_unsigned_integer();
                    if let ast::Iterable::ExprTuple(items) = &for_in.iterable {
                        for (item, ast_item) in iter::zip(expressions, items) {
                            warn_if_sign_conversion(
                                ctx,
                                *item,
                                ast_item.span(),
                                &type_value,
                            );
                        }
                    }
                } else {
                    type_value = TypeValue::unknown_signed_integer();
                }
            }

            (vec![type_value], Type::Unknown)
        }
        Iterable::Expr(expr) => match ctx.ir.get(*expr).type_value() {
            TypeValue::Array(array) => (vec![array.deputy()], Type::Array),
            TypeValue::Map(map) => match map.as_ref() {
                Map::IntegerKeys { .. } => (
                    vec![TypeValue::unknown_signed_integer(), map.deputy()],
                    Type::Map,
                ),
                Map::StringKeys { .. } => (
                    vec![TypeValue::unknown_string(), map.deputy()],
                    Type::Map,
                ),
            },
            _ => unreachable!(),
        },
    };

    let loop_vars = &for_in.variables;

    // Make sure that the number of variables in the `for .. in` statement
    // corresponds to the number of values returned by the iterator. For
    // example, while most iterators return a single value, maps return two
    // of them: key and value.
    if loop_vars.len() != expected_vars.len() {
        let span = loop_vars.first().unwrap().span();
        let span = span.combine(&loop_vars.last().unwrap().span());
        return Err(AssignmentMismatch::build(
            ctx.report_builder,
            loop_vars.len() as u8,
            expected_vars.len() as u8,
            ctx.report_builder.span_to_code_loc(for_in.iterable.span()),
            ctx.report_builder.span_to_code_loc(span),
        ));
    }

    let mut stack_frame =
        ctx.vars.new_frame(VarStack::FOR_IN_FRAME_SIZE).ok_or_else(|| {
            TooManyVariables::build(
                ctx.report_builder,
                ctx.report_builder.span_to_code_loc(for_in.span()),
            )
        })?;

    let for_vars = ForVars {
        n: stack_frame.new_var(Type::Integer),
        i: stack_frame.new_var(Type::Integer),
        max_count: stack_frame.new_var(Type::Integer),
        count: stack_frame.new_var(Type::Integer),
        item: stack_frame.new_var(iterable_ty),
    };

    let mut symbols = SymbolTable::new();
    let mut variables = Vec::new();

    // TODO: raise warning when the loop identifier (e.g: "i") hides
    // an existing identifier with the same name.
    for (loop_var, type_value) in iter::zip(loop_vars, expected_vars) {
        let var = stack_frame.new_var(type_value.ty());
        variables.push(var);
        symbols.insert(loop_var.name, Symbol::Var { var, type_value });
    }

    // Put the loop variables into scope.
    ctx.symbol_table.push(Rc::new(RefCell::new(symbols)));

    let body = bool_expr_from_ast(ctx, &for_in.body)?;

    // Leaving the body's scope. Remove loop variables.
    ctx.symbol_table.pop();

    ctx.vars.unwind(&stack_frame);

    // Restore the parent multiplier after the loop body has been processed.
    ctx.loop_iteration_multiplier = parent_multiplier;

    Ok(ctx.ir.for_in(quantifier, variables, for_vars, iterable, body))
}

fn with_expr_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    with: &ast::With<'src>,
) -> Result<ExprId, CompileError> {
    // Create stack frame with capacity for the with statement variables
    let mut stack_frame = ctx
        .vars
        .new_frame(with.declarations.len() as i32)
        .ok_or_else(|| {
        TooManyVariables::build(
            ctx.report_builder,
            ctx.report_builder.span_to_code_loc(with.declarations.span()),
        )
    })?;

    let mut declarations = Vec::new();

    // Create a new symbol table that will hold the variables declared by the
    // `with` statement.
    let symbols = ctx.symbol_table.push_new();

    for item in with.declarations.iter() {
        let expr = expr_from_ast(ctx, &item.expression)?;
        let type_value = ctx.ir.get(expr).type_value();

        // If some item in the `with` statement is a function, don't create
        // a variable for it, but add it to the symbol table. Methods are not
        // allowed though.
        if let TypeValue::Func(func) = &type_value {
            if func.is_method() {
                return Err(MethodNotAllowedInWith::build(
                    ctx.report_builder,
                    ctx.report_builder
                        .span_to_code_loc(item.expression.span()),
                ));
            }
            symbols
                .borrow_mut()
                .insert(item.identifier.name, Symbol::Func(func.clone()));
        } else {
            let var = stack_frame.new_var(type_value.ty());
            declarations.push((var, expr));
            symbols
                .borrow_mut()
                .insert(item.identifier.name, Symbol::Var { var, type_value });
        }
    }

    let body = bool_expr_from_ast(ctx, &with.body)?;

    // Leaving with statement body's scope. Remove with statement variables
    // from the context's symbol table, but keep them to verify if they
    // were actually used.
    let with_vars = ctx.symbol_table.pop().unwrap().take();

    for item in with.declarations.iter() {
        if !with_vars.used(item.identifier.name) {
            ctx.warnings.add(|| {
                warnings::UnusedIdentifier::build(
                    ctx.report_builder,
                    ctx.report_builder
                        .span_to_code_loc(item.identifier.span()),
                )
            })
        }
    }

    ctx.vars.unwind(&stack_frame);

    Ok(ctx.ir.with(declarations, body))
}

fn iterable_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    iter: &ast::Iterable<'src>,
) -> Result<Iterable, CompileError> {
    match iter {
        ast::Iterable::Range(range) => {
            Ok(Iterable::Range(range_from_ast(ctx, range)?))
        }
        ast::Iterable::Expr(expr) => {
            let span = expr.span();
            let expr = expr_from_ast(ctx, expr)?;
            // Make sure that the expression has a type that is iterable.
            check_type(ctx, expr, span, &[Type::Array, Type::Map])?;
            Ok(Iterable::Expr(expr))
        }
        ast::Iterable::ExprTuple(expr_tuple) => {
            let mut e = Vec::with_capacity(expr_tuple.len());
            let mut prev: Option<(Type, Span)> = None;
            for expr in expr_tuple {
                let span = expr.span();
                let expr = expr_from_ast(ctx, expr)?;
                // Items in the tuple must be either integer, float, string
                // or bool.
                check_type(
                    ctx,
                    expr,
                    span.clone(),
                    &[Type::Integer, Type::Float, Type::String, Type::Bool],
                )?;

                // All items in the item must have the same type. Compare
                // with the previous item and return as soon as we find a
                // type mismatch.
                let ty = ctx.ir.get(expr).ty();
                if let Some((prev_ty, prev_span)) = prev
                    && prev_ty != ty
                {
                    return Err(MismatchingTypes::build(
                        ctx.report_builder,
                        prev_ty.to_string(),
                        ty.to_string(),
                        ctx.report_builder.span_to_code_loc(prev_span),
                        ctx.report_builder.span_to_code_loc(span),
                    ));
                }
                prev = Some((ty, span));
                e.push(expr);
            }
            Ok(Iterable::ExprTuple(e))
        }
    }
}

fn anchor_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    anchor: &Option<ast::MatchAnchor<'src>>,
) -> Result<MatchAnchor, CompileError> {
    match anchor {
        Some(ast::MatchAnchor::At(at_)) => {
            Ok(MatchAnchor::At(non_negative_integer_from_ast(ctx, &at_.expr)?))
        }
        Some(ast::MatchAnchor::In(in_)) => {
            Ok(MatchAnchor::In(range_from_ast(ctx, &in_.range)?))
        }
        None => Ok(MatchAnchor::None),
    }
}

fn range_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    range: &ast::Range<'src>,
) -> Result<Range, CompileError> {
    let lower_bound = non_negative_integer_from_ast(ctx, &range.lower_bound)?;
    let upper_bound = non_negative_integer_from_ast(ctx, &range.upper_bound)?;

    // If both the lower and upper bounds are known at compile time, make sure
    // that lower_bound <= upper_bound. If they are not know (because they are
    // variables, for example) we can't raise an error at compile time, but it
    // will be handled at scan time.
    if let (Some(lower_bound), Some(upper_bound)) = (
        ctx.ir.get(lower_bound).type_value().try_as_const_i128(),
        ctx.ir.get(upper_bound).type_value().try_as_const_i128(),
    ) && lower_bound > upper_bound
    {
        return Err(InvalidRange::build(
            ctx.report_builder,
            format!(
                "lower bound ({lower_bound}) is greater than upper bound ({upper_bound})"
            ),
            ctx.report_builder.span_to_code_loc(range.span()),
        ));
    }

    Ok(Range { lower_bound, upper_bound })
}

fn non_negative_integer_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    expr: &ast::Expr<'src>,
) -> Result<ExprId, CompileError> {
    let span = expr.span();
    let expr = expr_from_ast(ctx, expr)?;

    check_type(ctx, expr, span.clone(), &[Type::Integer])?;

    if let Some(value) = ctx.ir.get(expr).type_value().try_as_const_i128() {
        if value < 0 {
            return Err(UnexpectedNegativeNumber::build(
                ctx.report_builder,
                ctx.report_builder.span_to_code_loc(span),
            ));
        } else if value > i64::MAX as i128 {
            return Err(NumberOutOfRange::build(
                ctx.report_builder,
                0,
                i64::MAX,
                ctx.report_builder.span_to_code_loc(span),
            ));
        }
    }

    Ok(expr)
}

fn integer_in_range_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    expr: &ast::Expr<'src>,
    range: RangeInclusive<i64>,
) -> Result<ExprId, CompileError> {
    let span = expr.span();
    let expr = expr_from_ast(ctx, expr)?;

    check_type(ctx, expr, span.clone(), &[Type::Integer])?;

    // If the value is known at compile time make sure that it is within
    // the given range.
    if let Some(value) = ctx.ir.get(expr).type_value().try_as_const_i128()
        && !(*range.start() as i128..=*range.end() as i128).contains(&value)
    {
        return Err(NumberOutOfRange::build(
            ctx.report_builder,
            *range.start(),
            *range.end(),
            ctx.report_builder.span_to_code_loc(span),
        ));
    }

    Ok(expr)
}

fn quantifier_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    quantifier: &ast::Quantifier<'src>,
) -> Result<Quantifier, CompileError> {
    match quantifier {
        ast::Quantifier::None { .. } => Ok(Quantifier::None),
        ast::Quantifier::All { .. } => Ok(Quantifier::All),
        ast::Quantifier::Any { .. } => Ok(Quantifier::Any),
        ast::Quantifier::Percentage(expr) => {
            // The percentage must be between 0 and 100, both inclusive.
            Ok(Quantifier::Percentage(integer_in_range_from_ast(
                ctx,
                expr,
                0..=100,
            )?))
        }
        ast::Quantifier::Expr(expr) => {
            Ok(Quantifier::Expr(non_negative_integer_from_ast(ctx, expr)?))
        }
    }
}

fn pattern_set_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    pattern_set: &ast::PatternSet<'src>,
) -> Result<Vec<PatternIdx>, CompileError> {
    match pattern_set {
        // `x of them`
        ast::PatternSet::Them { span } => {
            if ctx.current_rule_patterns.is_empty() {
                return Err(EmptyPatternSet::build(
                    ctx.report_builder,
                    ctx.report_builder.span_to_code_loc(span.clone()),
                    Some("this rule doesn't define any patterns".to_string()),
                ));
            }

            // Mark all the patterns in the set as used.
            for pattern in ctx.current_rule_patterns.iter_mut() {
                pattern.mark_as_used();
            }

            let pattern_indexes: Vec<PatternIdx> =
                (0..ctx.current_rule_patterns.len())
                    .map(|i| i.into())
                    .collect();

            Ok(pattern_indexes)
        }
        // `x of ($a*, $b)`
        ast::PatternSet::Set(set) => {
            for item in set {
                if !ctx
                    .current_rule_patterns
                    .iter()
                    .any(|pattern| item.matches(pattern.identifier()))
                {
                    return Err(EmptyPatternSet::build(
                        ctx.report_builder,
                        ctx.report_builder.span_to_code_loc(item.span()),
                        Some(if item.wildcard {
                            format!(
                                "`{}*` doesn't match any pattern identifier",
                                item.identifier,
                            )
                        } else {
                            format!(
                                "`{}` doesn't match any pattern identifier",
                                item.identifier,
                            )
                        }),
                    ));
                }
            }

            let mut pattern_indexes: Vec<PatternIdx> = Vec::new();

            for (i, pattern) in
                ctx.current_rule_patterns.iter_mut().enumerate()
            {
                // Iterate over the patterns in the set (e.g: $foo, $foo*) and
                // check if some of them matches the identifier.
                if set.iter().any(|p| p.matches(pattern.identifier())) {
                    pattern_indexes.push(i.into());
                    // All the patterns in the set are marked as used.
                    pattern.mark_as_used();
                }
            }

            Ok(pattern_indexes)
        }
    }
}

/// Represents a single conjunctive branch (a set of condition sub-expressions
/// that must be true at the same time, i.e., joined by `AND` operators within
/// an execution path).
#[derive(Clone, Debug, Default)]
pub(crate) struct ConjunctiveBranch<'src> {
    exprs: Vec<&'src ast::Expr<'src>>,
}

impl<'src> ConjunctiveBranch<'src> {
    /// Returns the AST sub-expressions in this conjunctive branch.
    #[inline]
    pub fn exprs(&self) -> &[&'src ast::Expr<'src>] {
        &self.exprs
    }

    /// Merges another conjunctive branch into this branch.
    #[allow(dead_code)]
    pub fn merge(&mut self, other: &ConjunctiveBranch<'src>) {
        self.exprs.extend_from_slice(&other.exprs);
    }
}

/// Container for all conjunctive branches of an AST expression tree.
#[derive(Clone, Debug)]
pub(crate) struct ConjunctiveBranches<'src> {
    branches: Vec<ConjunctiveBranch<'src>>,
}

/// Stack frame representing an execution step during iterative DNF AST
/// expansion.
enum Frame<'src> {
    /// Evaluates a sequence of child AST sub-expressions sequentially,
    /// passing accumulated conjunctive branches from one child to the next.
    Sequence {
        exprs: Box<dyn Iterator<Item = &'src ast::Expr<'src>> + 'src>,
        branches: Vec<ConjunctiveBranch<'src>>,
    },
    /// Evaluates disjunctive (`OR`) alternative branches independently,
    /// feeding each operand a snapshot of the input branches and combining
    /// the resulting branches from all operands.
    Disjunction {
        operands: Box<dyn Iterator<Item = &'src ast::Expr<'src>> + 'src>,
        branches: Vec<ConjunctiveBranch<'src>>,
        results: Vec<ConjunctiveBranch<'src>>,
    },
}

impl<'src> ConjunctiveBranches<'src> {
    /// Maximum number of conjunctive branches to extract before capping
    /// expansion (prevents exponential growth on complex boolean trees).
    const MAX_BRANCHES: usize = 256;

    /// Decomposes an AST expression tree into its conjunctive branches.
    ///
    /// The conjunctive branch decomposition algorithm converts a boolean AST
    /// tree into Disjunctive Normal Form (DNF) execution paths (conjunctive
    /// branches). Each `ConjunctiveBranch` represents a set of terms that must
    /// be true at the same time in a single execution path of the rule
    /// condition.
    ///
    /// Returns `None` if the number of branches exceeds `MAX_BRANCHES`.
    pub fn from_expr(expr: &'src ast::Expr<'src>) -> Option<Self> {
        Self::extract_branches(expr).map(|branches| Self { branches })
    }

    /// Returns the slice of conjunctive branches.
    #[inline]
    pub fn branches(&self) -> &[ConjunctiveBranch<'src>] {
        &self.branches
    }

    /// Decomposes an AST expression tree into Disjunctive Normal Form (DNF)
    /// conjunctive branches using an explicit, non-recursive stack frame loop.
    ///
    /// # How the Algorithm Works
    ///
    /// The algorithm transforms a boolean AST (e.g. `(A or B) and C`) into
    /// alternative execution paths (e.g. `[A, C]` and `[B, C]`), where each
    /// path (`ConjunctiveBranch`) contains terms that must evaluate to true
    /// simultaneously.
    ///
    /// The traversal uses an explicit stack of `Frame`s instead of call-stack
    /// recursion:
    ///
    /// - `Frame::Sequence` (Accumulating Conjunctions): Traverses sub-expressions
    ///   sequentially. Each expression inherits the `branches` accumulated by its
    ///   predecessor. Terminal leaf expressions append themselves to every active
    ///   branch in `branches`.
    ///
    /// - `Frame::Disjunction` (Forking `OR` Alternatives): Evaluates `OR`
    ///   operands independently. Each operand receives a cloned snapshot of the
    ///   input `branches`. The alternative branches generated by each operand are
    ///   combined into `results` and returned to the parent frame.
    ///
    /// When a frame completes, `pass_branches_to_parent` passes its branches to
    /// the parent frame on the stack. Returns `None` if the total output branches
    /// exceed `MAX_BRANCHES` (256) at any point.
    fn extract_branches(
        root: &'src ast::Expr<'src>,
    ) -> Option<Vec<ConjunctiveBranch<'src>>> {
        let mut stack = vec![Frame::Sequence {
            exprs: Box::new(iter::once(root)),
            branches: vec![ConjunctiveBranch::default()],
        }];

        while let Some(frame) = stack.pop() {
            match frame {
                Frame::Disjunction { mut operands, branches, results } => {
                    match operands.next() {
                        Some(op) => {
                            stack.push(Frame::Disjunction {
                                operands,
                                branches: branches.clone(),
                                results,
                            });
                            stack.push(Frame::Sequence {
                                exprs: Box::new(iter::once(op)),
                                branches,
                            });
                        }
                        None => {
                            if let ControlFlow::Break(result) =
                                Self::pass_branches_to_parent(
                                    &mut stack, results,
                                )
                            {
                                return result;
                            }
                        }
                    }
                }
                Frame::Sequence { mut exprs, mut branches } => {
                    match exprs.next() {
                        Some(expr) => {
                            stack.push(Frame::Sequence {
                                exprs,
                                branches: Vec::new(),
                            });
                            match expr {
                                ast::Expr::Or(nary) => {
                                    stack.push(Frame::Disjunction {
                                        operands: Box::new(nary.operands()),
                                        branches,
                                        results: Vec::new(),
                                    });
                                }
                                _ => {
                                    let push_leaf = matches!(
                                        expr,
                                        ast::Expr::ForOf(_)
                                            | ast::Expr::True { .. }
                                            | ast::Expr::False { .. }
                                            | ast::Expr::Filesize { .. }
                                            | ast::Expr::Entrypoint { .. }
                                            | ast::Expr::LiteralString(_)
                                            | ast::Expr::LiteralInteger(_)
                                            | ast::Expr::LiteralFloat(_)
                                            | ast::Expr::Regexp(_)
                                            | ast::Expr::Ident(_)
                                            | ast::Expr::PatternMatch(_)
                                            | ast::Expr::PatternCount(_)
                                            | ast::Expr::PatternOffset(_)
                                            | ast::Expr::PatternLength(_)
                                            | ast::Expr::Of(_)
                                    );
                                    // Every active branch in `branches` gets the
                                    // leaf expression pushed onto its `.exprs` list.
                                    if push_leaf {
                                        for b in &mut branches {
                                            b.exprs.push(expr);
                                        }
                                    }
                                    stack.push(Frame::Sequence {
                                        exprs: expr.children(),
                                        branches,
                                    });
                                }
                            }
                        }
                        None => {
                            if let ControlFlow::Break(result) =
                                Self::pass_branches_to_parent(
                                    &mut stack, branches,
                                )
                            {
                                return result;
                            }
                        }
                    }
                }
            }
        }

        // Unreachable: the stack loop always terminates when
        // pass_branches_to_parent evaluates the top-level root frame and
        // returns ControlFlow::Break.
        unreachable!()
    }

    /// Passes finished conjunctive branches from a completed frame to its parent
    /// frame on the stack. If there is no parent frame remaining (i.e. top-level
    /// root frame completed), returns `ControlFlow::Break(Some(finished_branches))`.
    /// Returns `ControlFlow::Break(None)` if `MAX_BRANCHES` is exceeded.
    fn pass_branches_to_parent(
        stack: &mut [Frame<'src>],
        finished: Vec<ConjunctiveBranch<'src>>,
    ) -> ControlFlow<Option<Vec<ConjunctiveBranch<'src>>>> {
        if finished.len() > Self::MAX_BRANCHES {
            return ControlFlow::Break(None);
        }

        let finished = if finished.is_empty() {
            vec![ConjunctiveBranch::default()]
        } else {
            finished
        };

        if let Some(parent) = stack.last_mut() {
            match parent {
                Frame::Disjunction { results, .. } => {
                    // Collect alternative branches from this disjunction operand
                    results.extend(finished);
                    if results.len() > Self::MAX_BRANCHES {
                        return ControlFlow::Break(None);
                    }
                }
                Frame::Sequence { branches, .. } => {
                    // Update sequential input branches for the next sibling child
                    *branches = finished;
                }
            }
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(Some(finished))
        }
    }
}

/// Checks wildcard pattern set items (e.g. `$s*`) for patterns that are
/// included in the set but also explicitly used outside the set in the same
/// conjunctive branch (expressions that must be true at the same time), or
/// matched by another set with a more specific (longer) prefix in the same
/// branch.
fn check_unintended_patterns_in_sets<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    condition: &'src ast::Expr<'src>,
) {
    // Decompose condition AST into DNF execution paths (conjunctive branches).
    let Some(conjunctive_branches) = ConjunctiveBranches::from_expr(condition)
    else {
        return;
    };
    let mut reported = std::collections::HashSet::new();

    for branch in conjunctive_branches.branches() {
        let mut explicit_patterns = Vec::new();
        let mut wildcard_pattern_sets = Vec::new();

        // Extract explicit pattern presence checks and wildcard pattern sets
        // active within this specific conjunctive branch.
        for expr in branch.exprs() {
            match expr {
                // Direct pattern match (e.g. `$s1` or `$s1 at 100`).
                ast::Expr::PatternMatch(pm)
                    if !pm.identifier.name.is_empty() =>
                {
                    explicit_patterns
                        .push((pm.identifier.name, pm.identifier.span()));
                }
                // Pattern set in `of` expressions (e.g. `1 of ($s1, $s*)`).
                ast::Expr::Of(of) => {
                    if let ast::OfItems::PatternSet(ast::PatternSet::Set(
                        set,
                    )) = &of.items
                    {
                        for item in set {
                            if item.wildcard {
                                wildcard_pattern_sets
                                    .push((item.identifier, item.span()));
                            } else {
                                explicit_patterns
                                    .push((item.identifier, item.span()));
                            }
                        }
                    }
                }
                // Pattern set in `for ... of` loops.
                ast::Expr::ForOf(for_of) => {
                    if let ast::PatternSet::Set(set) = &for_of.pattern_set {
                        for item in set {
                            if item.wildcard {
                                wildcard_pattern_sets
                                    .push((item.identifier, item.span()));
                            } else {
                                explicit_patterns
                                    .push((item.identifier, item.span()));
                            }
                        }
                    }
                }
                _ => {}
            }
        }

        // For each wildcard pattern set in this branch, check if any rule
        // pattern matching the set's prefix is also explicitly used in the
        // same branch, or matched by a longer (more specific) prefix set.
        for (s1, span1) in &wildcard_pattern_sets {
            for pattern in ctx.current_rule_patterns.iter() {
                let pat = pattern.identifier().name;
                if pat.starts_with(s1) {
                    let (label1, span1, label2, span2) =
                        if let Some((_, span2)) = explicit_patterns
                            .iter()
                            .find(|(name, _)| *name == pat)
                        {
                            if span1.start() < span2.start() {
                                (
                                    format!("`{pat}` is included in `{s1}*`"),
                                    span1,
                                    format!("`{pat}` is also used here"),
                                    span2,
                                )
                            } else {
                                (
                                    format!("`{pat}` is used here"),
                                    span2,
                                    format!(
                                        "`{pat}` is also included in `{s1}*`"
                                    ),
                                    span1,
                                )
                            }
                        } else if let Some((s2, span2)) = wildcard_pattern_sets
                            .iter()
                            .find(|(prefix2, _)| {
                                prefix2.len() > s1.len()
                                    && pat.starts_with(prefix2)
                            })
                        {
                            if span1.start() < span2.start() {
                                (
                                    format!("`{pat}` is included in `{s1}*`"),
                                    span1,
                                    format!(
                                        "`{pat}` is also included in `{s2}*`"
                                    ),
                                    span2,
                                )
                            } else {
                                (
                                    format!("`{pat}` is included in `{s2}*`"),
                                    span2,
                                    format!(
                                        "`{pat}` is also included in `{s1}*`"
                                    ),
                                    span1,
                                )
                            }
                        } else {
                            continue;
                        };

                    if reported.insert((pat, span1.clone())) {
                        ctx.warnings.add(|| {
                            warnings::UnintendedPatternInSet::build(
                                ctx.report_builder,
                                pat.to_string(),
                                format!("{s1}*"),
                                label1,
                                ctx.report_builder
                                    .span_to_code_loc(span1.clone()),
                                label2,
                                ctx.report_builder
                                    .span_to_code_loc(span2.clone()),
                            )
                        });
                    }
                }
            }
        }
    }
}

fn func_call_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    func_call: &ast::FuncCall<'src>,
) -> Result<ExprId, CompileError> {
    let mut object = if let Some(obj) = &func_call.object {
        let expr = expr_from_ast(ctx, obj)?;
        // The one-shot symbol table is set according to the type of the object
        // associated to the function call, so that methods can be resolved.
        ctx.one_shot_symbol_table =
            ctx.ir.get(expr).type_value().symbol_table();
        Some(expr)
    } else {
        None
    };

    let symbol = ctx.lookup(&func_call.identifier)?;

    let func = match symbol {
        Symbol::Func(func) => func,
        Symbol::Field { type_value: TypeValue::Func(func), .. } => func,
        Symbol::Var { type_value: TypeValue::Func(func), .. } => func,
        _ => {
            return Err(WrongType::build(
                ctx.report_builder,
                "`function`".to_string(),
                format!("`{}`", symbol.ty()),
                ctx.report_builder
                    .span_to_code_loc(func_call.identifier.span()),
                None,
            ));
        }
    };

    let args = func_call
        .args
        .iter()
        .map(|arg| expr_from_ast(ctx, arg))
        .collect::<Result<Vec<ExprId>, CompileError>>()?;

    let arg_types: Vec<Type> =
        args.iter().map(|arg| ctx.ir.get(*arg).ty()).collect();

    let mut expected_args = Vec::new();
    let mut matching_signature = None;

    // Determine if any of the signatures for the called function matches
    // the provided arguments.
    for signature in func.signatures().iter() {
        // If the function is actually a method, the first argument is always
        // the type the method belongs to (i.e: the self pointer). This
        // argument appears in the function's signature, but is not expected
        // to appear among the arguments in the call statement.

        let expected_arg_types: Vec<Type> = if signature.method_of().is_some()
        {
            signature.args.iter().skip(1).map(|(_, arg)| arg.ty()).collect()
        } else {
            signature.args.iter().map(|(_, arg)| arg.ty()).collect()
        };

        if arg_types == expected_arg_types {
            matching_signature = Some(signature);
            break;
        }

        expected_args.push(expected_arg_types);
    }

    // No matching signature was found, that means that the arguments
    // provided were incorrect.
    if matching_signature.is_none() {
        return Err(WrongArguments::build(
            ctx.report_builder,
            ctx.report_builder.span_to_code_loc(func_call.args_span()),
            Some(format!(
                "accepted argument combinations:\n\n{}",
                expected_args
                    .iter()
                    .map(|v| {
                        format!(
                            "({})",
                            v.iter()
                                .map(|i| i.to_string())
                                .collect::<Vec<String>>()
                                .join(", ")
                        )
                    })
                    .collect::<Vec<String>>()
                    .join("\n")
            )),
        ));
    }

    let matching_signature = matching_signature.unwrap();

    // Arguments are passed to functions as they are, so an unsigned constant
    // greater than i64::MAX is received as a negative number by a function
    // that expects a signed integer. In methods, the first argument in the
    // signature is the object, which doesn't appear among the arguments.
    let params = if matching_signature.method_of().is_some() {
        &matching_signature.args[1..]
    } else {
        &matching_signature.args[..]
    };

    for ((arg, ast_arg), (_, param)) in
        iter::zip(iter::zip(&args, &func_call.args), params)
    {
        warn_if_sign_conversion(ctx, *arg, ast_arg.span(), param);
    }

    // The object is necessary only when this is a method call, if this
    // is a function call no object is required.
    if matching_signature.method_of().is_none() {
        object = None
    }

    Ok(ctx.ir.func_call(object, args, matching_signature.clone()))
}

fn matches_expr_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    expr: &ast::BinaryExpr<'src>,
) -> Result<ExprId, CompileError> {
    let lhs_span = expr.lhs.span();
    let rhs_span = expr.rhs.span();

    let lhs = expr_from_ast(ctx, &expr.lhs)?;
    let rhs = expr_from_ast(ctx, &expr.rhs)?;

    check_type(ctx, lhs, lhs_span, &[Type::String])?;
    check_type(ctx, rhs, rhs_span, &[Type::Regexp])?;

    // If the regular expression that is being matched can be translated into
    // a literal string (e.g: var matches /foobar/), the expression will be
    // expressed as a `contains` or `icontains` operation, which is faster than
    // trying to match a regular expression.
    if let Expr::Const(TypeValue::Regexp(Some(re))) = ctx.ir.get(rhs) {
        let parser = re::parser::Parser::new()
            // We need to force the parser to handle the regexp as case-sensitive,
            // otherwise `as_literal_bytes` won't ever produce a literal because
            // case-insensitive regexps are never a literal.
            .force_case_sensitiveness(Some(CaseSensitiveness::Sensitive))
            .relaxed_re_syntax(ctx.relaxed_re_syntax);

        if let Ok(hir) = parser.parse(re)
            && let Some(literal_bytes) = hir.as_literal_bytes()
        {
            let case_insensitive = re.case_insensitive();
            let new_rhs =
                ctx.ir.constant(TypeValue::const_string_from(literal_bytes));
            return if case_insensitive {
                Ok(ctx.ir.icontains(lhs, new_rhs))
            } else {
                Ok(ctx.ir.contains(lhs, new_rhs))
            };
        }
    }

    Ok(ctx.ir.matches(lhs, rhs))
}

fn check_type(
    ctx: &CompileContext,
    expr: ExprId,
    span: Span,
    accepted_types: &[Type],
) -> Result<(), CompileError> {
    let ty = ctx.ir.get(expr).ty();
    if accepted_types.contains(&ty) {
        Ok(())
    } else {
        Err(WrongType::build(
            ctx.report_builder,
            CompileError::join_with_or(accepted_types, true),
            format!("`{ty}`"),
            ctx.report_builder.span_to_code_loc(span),
            None,
        ))
    }
}

fn check_operands(
    ctx: &CompileContext,
    lhs: ExprId,
    rhs: ExprId,
    lhs_span: Span,
    rhs_span: Span,
    accepted_types: &[Type],
    compatible_types: &[(Type, Type)],
) -> Result<(), CompileError> {
    let lhs_ty = ctx.ir.get(lhs).ty();
    let rhs_ty = ctx.ir.get(rhs).ty();

    // Both types must be known.
    assert!(!matches!(lhs_ty, Type::Unknown));
    assert!(!matches!(rhs_ty, Type::Unknown));

    check_type(ctx, lhs, lhs_span.clone(), accepted_types)?;
    check_type(ctx, rhs, rhs_span.clone(), accepted_types)?;

    let types_are_compatible = {
        // If the types are the same, they are compatible.
        (lhs_ty == rhs_ty)
            // If the list of compatible types contains the pair
            // (lhs_ty, rhs_ty) or (rhs_ty, lhs_ty), they are
            // compatible.
            || compatible_types.contains(&(lhs_ty, rhs_ty))
                || compatible_types.contains(&(rhs_ty, lhs_ty))
    };

    if !types_are_compatible {
        return Err(MismatchingTypes::build(
            ctx.report_builder,
            lhs_ty.to_string(),
            rhs_ty.to_string(),
            ctx.report_builder.span_to_code_loc(lhs_span),
            ctx.report_builder.span_to_code_loc(rhs_span),
        ));
    }

    Ok(())
}

fn re_error_to_compile_error(
    report_builder: &ReportBuilder,
    regexp: &ast::Regexp,
    err: re::parser::Error,
) -> CompileError {
    match err {
        re::parser::Error::WrongSyntax { msg, span, note } => {
            InvalidRegexp::build(
                report_builder,
                msg,
                // The error span is relative to the start of the regexp, not to
                // the start of the source file, here we make it relative to the
                // source file. Notice that the resulting span must be shifted one
                // character to the left, because the error span doesn't include
                // the opening slash (/) but the regexp span does.
                //
                // /someregexp/
                //  ^ this is position 0 for error spans
                // ^ this is where the regexp starts according to the regexp span
                report_builder.span_to_code_loc(
                    regexp
                        .span()
                        .subspan(span.start.offset, span.end.offset)
                        .offset(1),
                ),
                note,
            )
        }
        re::parser::Error::ArbitraryPrefix { span } => {
            ArbitraryRegexpPrefix::build(
                report_builder,
                report_builder.span_to_code_loc(
                    regexp
                        .span()
                        .subspan(span.start.offset, span.end.offset)
                        .offset(1),
                ),
            )
        }
        re::parser::Error::UnsupportedInUnicode { span } => {
            InvalidRegexp::build(
                report_builder,
                err.to_string(),
                report_builder.span_to_code_loc(
                    regexp
                        .span()
                        .subspan(span.start.offset, span.end.offset)
                        .offset(1),
                ),
                None,
            )
        }
        re::parser::Error::MixedGreediness {
            is_greedy_1,
            is_greedy_2,
            span_1,
            span_2,
        } => MixedGreediness::build(
            report_builder,
            if is_greedy_1 { "greedy" } else { "non-greedy" }.to_string(),
            if is_greedy_2 { "greedy" } else { "non-greedy" }.to_string(),
            report_builder.span_to_code_loc(
                regexp
                    .span()
                    .subspan(span_1.start.offset, span_1.end.offset)
                    .offset(1),
            ),
            report_builder.span_to_code_loc(
                regexp
                    .span()
                    .subspan(span_2.start.offset, span_2.end.offset)
                    .offset(1),
            ),
        ),
    }
}

/// Raises a [`warnings::UnsignedUnaryOperation`] warning if `operand` is an
/// unsigned integer. `operator` is the unary operator applied to `operand`,
/// either `-` or `~`.
fn warn_if_unsigned(
    ctx: &mut CompileContext,
    operand: ExprId,
    span: Span,
    operator: char,
) {
    if ctx.ir.get(operand).type_value().is_unsigned() {
        ctx.warnings.add(|| {
            let note = match operator {
                '-' => "the result is a signed integer, which wraps around if the unsigned value is greater than 0x7FFFFFFFFFFFFFFF",
                '~' => "the result is an unsigned integer with all its 64 bits inverted",
                _ => unreachable!("unexpected unary operator `{operator}`"),
            };
            warnings::UnsignedUnaryOperation::build(
                ctx.report_builder,
                operator.to_string(),
                ctx.report_builder.span_to_code_loc(span),
                Some(note.to_string()),
            )
        });
    }
}

/// Raises a [`warnings::NonBooleanAsBoolean`] warning if `expr` is not
/// boolean.
fn warn_if_not_bool(ctx: &mut CompileContext, expr: ExprId, span: Span) {
    let ty = ctx.ir.get(expr).ty();
    if !matches!(ty, Type::Bool) {
        ctx.warnings.add(|| {
            let note = match ty {
                Type::Integer => Some(
                    "non-zero integers are considered `true`, while zero is `false`"
                        .to_string(),
                ),
                Type::Float => Some(
                    "non-zero floats are considered `true`, while zero is `false`"
                        .to_string(),
                ),
                Type::String => Some(
                    r#"non-empty strings are considered `true`, while the empty string ("") is `false`"#
                        .to_string(),
                ),
                _ => None,
            };
            warnings::NonBooleanAsBoolean::build(
                ctx.report_builder,
                ty.to_string(),
                ctx.report_builder.span_to_code_loc(span),
                note,
            )
        });
    }
}

/// Raises a [`warnings::SignConversion`] warning if `expr` is an integer
/// constant that changes its value when converted to the type of `target`.
///
/// This happens with negative constants converted to unsigned, and with
/// unsigned constants greater than `i64::MAX` converted to signed. Unsigned
/// targets are the result of mixing signed and unsigned integers, while
/// signed targets are function arguments.
fn warn_if_sign_conversion(
    ctx: &mut CompileContext,
    expr: ExprId,
    span: Span,
    target: &TypeValue,
) {
    if target.ty() != Type::Integer {
        return;
    }

    let Some(value) = ctx.ir.get(expr).type_value().try_as_const_i128() else {
        return;
    };

    let (converted_value, note) = if target.is_unsigned() && value < 0 {
        (
            (value as u64).to_string(),
            "signed integers are converted to unsigned when mixed with unsigned integers",
        )
    } else if !target.is_unsigned() && value > i64::MAX as i128 {
        ((value as i64).to_string(), "the function expects a signed integer")
    } else {
        return;
    };

    ctx.warnings.add(|| {
        warnings::SignConversion::build(
            ctx.report_builder,
            converted_value,
            ctx.report_builder.span_to_code_loc(span),
            Some(note.to_string()),
        )
    });
}

macro_rules! gen_unary_op {
    ($name:ident, $variant:ident, $( $accepted_types:path )|+, $check_fn:expr) => {
        fn $name<'src>(
            ctx: &mut CompileContext<'_, 'src>,
            expr: &ast::UnaryExpr<'src>,
        ) -> Result<ExprId, CompileError> {
            let operand = expr_from_ast(ctx, &expr.operand)?;

            check_type(
                ctx,
                operand,
                expr.operand.span(),
                &[$( $accepted_types ),+],
            )?;

            let check_fn:
                Option<fn(&mut CompileContext, ExprId, Span) -> Result<(), CompileError>>
                = $check_fn;

            if let Some(check_fn) = check_fn {
                check_fn(ctx, operand, expr.operand.span())?;
            }

            Ok(ctx.ir.$variant(operand))
        }
    };
}

macro_rules! gen_binary_op {
    ($name:ident, $variant:ident, $( $accepted_types:path )|+, $compatible_types:expr, $check_fn:expr) => {
        fn $name<'src>(
            ctx: &mut CompileContext<'_, 'src>,
            expr: &ast::BinaryExpr<'src>,
        ) -> Result<ExprId, CompileError> {
            let lhs_span = expr.lhs.span();
            let rhs_span = expr.rhs.span();

            let lhs = expr_from_ast(ctx, &expr.lhs)?;
            let rhs = expr_from_ast(ctx, &expr.rhs)?;

            check_operands(
                ctx,
                lhs,
                rhs,
                lhs_span.clone(),
                rhs_span.clone(),
                &[$( $accepted_types ),+],
                $compatible_types,
            )?;

            let check_fn:
                Option<fn(&mut CompileContext, ExprId, ExprId, Span, Span) -> Result<(), CompileError>>
                = $check_fn;

            if let Some(check_fn) = check_fn {
                check_fn(ctx, lhs, rhs, lhs_span, rhs_span)?;
            }

            Ok(ctx.ir.$variant(lhs, rhs))
        }
    };
}

macro_rules! gen_string_op {
    ($name:ident, $variant:ident) => {
        fn $name<'src>(
            ctx: &mut CompileContext<'_, 'src>,
            expr: &ast::BinaryExpr<'src>,
        ) -> Result<ExprId, CompileError> {
            let lhs_span = expr.lhs.span();
            let rhs_span = expr.rhs.span();

            let lhs = expr_from_ast(ctx, &expr.lhs)?;
            let rhs = expr_from_ast(ctx, &expr.rhs)?;

            check_operands(
                ctx,
                lhs,
                rhs,
                lhs_span.clone(),
                rhs_span.clone(),
                &[Type::String],
                &[],
            )?;

            Ok(ctx.ir.$variant(lhs, rhs))
        }
    };
}

macro_rules! gen_n_ary_operation {
    ($name:ident, $variant:ident, $( $accepted_types:path )|+, $compatible_types:expr, $check_fn:expr, $operands_check_fn:expr) => {
        fn $name<'src>(
            ctx: &mut CompileContext<'_, 'src>,
            expr: &ast::NAryExpr<'src>,
        ) -> Result<ExprId, CompileError> {
            let span = expr.span();
            let accepted_types = &[$( $accepted_types ),+];
            let compatible_types = $compatible_types;

            let operands_hir: Vec<ExprId> = expr
                .operands()
                .map(|expr| expr_from_ast(ctx, expr))
                .collect::<Result<Vec<ExprId>, CompileError>>()?;

            let check_fn:
                Option<fn(&mut CompileContext, ExprId, Span) -> Result<(), CompileError>>
                = $check_fn;

            // Make sure that all operands have one of the accepted types.
            for (hir, ast) in iter::zip(operands_hir.iter(), expr.operands()) {
                if let Some(check_fn) = check_fn {
                    check_fn(ctx, *hir, ast.span())?;
                }
            }

            for ((lhs_hir, lhs_ast), (rhs_hir, rhs_ast)) in
                iter::zip(operands_hir.iter(), expr.operands()).tuple_windows()
            {
                check_operands(
                    ctx,
                    *lhs_hir,
                    *rhs_hir,
                    expr.first().span().combine(&lhs_ast.span()),
                    rhs_ast.span(),
                    accepted_types,
                    compatible_types,
                )?;
            }

            // Unlike `check_fn`, which checks the operands one by one,
            // `operands_check_fn` receives all the operands at once.
            let operands_check_fn:
                Option<fn(&mut CompileContext, &[ExprId], &[Span]) -> Result<(), CompileError>>
                = $operands_check_fn;

            if let Some(operands_check_fn) = operands_check_fn {
                let spans: Vec<Span> =
                    expr.operands().map(|operand| operand.span()).collect();
                operands_check_fn(ctx, &operands_hir, &spans)?;
            }

            ctx.ir.$variant(operands_hir).map_err(|err| {
                match err {
                    Error::NumberOutOfRange => {
                        NumberOutOfRange::build(
                            ctx.report_builder,
                            i64::MIN,
                            i64::MAX,
                            ctx.report_builder.span_to_code_loc(span),
                        )
                    }
                }
            })
        }
    };
}

gen_unary_op!(
    defined_expr_from_ast,
    defined,
    Type::Bool | Type::Integer | Type::Float | Type::String,
    None
);

gen_unary_op!(
    not_expr_from_ast,
    not,
    // Boolean operations accept integer, float and string operands.
    // If operands are not boolean they are casted to boolean.
    Type::Bool | Type::Integer | Type::Float | Type::String,
    // Raise warning if the operand is not bool.
    Some(|ctx, operand, span| {
        warn_if_not_bool(ctx, operand, span);
        Ok(())
    })
);

gen_n_ary_operation!(
    and_expr_from_ast,
    and,
    // Boolean operations accept integer, float and string operands.
    // If operands are not boolean they are casted to boolean.
    Type::Bool | Type::Integer | Type::Float | Type::String,
    // All operand types can be mixed in a boolean operation, as they
    // are casted to boolean anyways.
    &[
        (Type::Integer, Type::Bool),
        (Type::Integer, Type::Float),
        (Type::Integer, Type::String),
        (Type::String, Type::Bool),
        (Type::String, Type::Float),
        (Type::Float, Type::Bool)
    ],
    Some(|ctx, operand, span| {
        warn_if_not_bool(ctx, operand, span);
        Ok(())
    }),
    None
);

fn or_expr_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    expr: &ast::NAryExpr<'src>,
) -> Result<ExprId, CompileError> {
    let span = expr.span();
    let accepted_types =
        &[Type::Bool, Type::Integer, Type::Float, Type::String];
    let compatible_types = &[
        (Type::Integer, Type::Bool),
        (Type::Integer, Type::Float),
        (Type::Integer, Type::String),
        (Type::String, Type::Bool),
        (Type::String, Type::Float),
        (Type::Float, Type::Bool),
    ];

    // Validate operand types and emit standard warnings. Ensure all operands
    // in the `or` expression conform to boolean-compatible types, checking
    // for potential mismatches across adjacent pairs.
    let or_operands: Vec<ExprId> = expr
        .operands()
        .map(|expr| expr_from_ast(ctx, expr))
        .collect::<Result<Vec<ExprId>, CompileError>>()?;

    for (hir, ast) in iter::zip(or_operands.iter(), expr.operands()) {
        warn_if_not_bool(ctx, *hir, ast.span());
    }

    for ((lhs_hir, lhs_ast), (rhs_hir, rhs_ast)) in
        iter::zip(or_operands.iter(), expr.operands()).tuple_windows()
    {
        check_operands(
            ctx,
            *lhs_hir,
            *rhs_hir,
            expr.first().span().combine(&lhs_ast.span()),
            rhs_ast.span(),
            accepted_types,
            compatible_types,
        )?;
    }

    let final_operands = collapse_or_operands(ctx, &or_operands);

    if final_operands.len() == 1 {
        return Ok(final_operands[0]);
    }

    ctx.ir.or(final_operands).map_err(|err| match err {
        Error::NumberOutOfRange => NumberOutOfRange::build(
            ctx.report_builder,
            i64::MIN,
            i64::MAX,
            ctx.report_builder.span_to_code_loc(span),
        ),
    })
}

/// Analyzes the operands of an `or` expression and collapses multiple `matches`
/// or string comparison operations sharing the same target operand and operator
/// into a single `*Many` expression backed by a `RegexSet` or `LiteralSet`.
fn collapse_or_operands(
    ctx: &mut CompileContext,
    or_operands: &[ExprId],
) -> Vec<ExprId> {
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    enum OpKind {
        Matches,
        Eq,
        IEquals,
        Contains,
        IContains,
        StartsWith,
        IStartsWith,
        EndsWith,
        IEndsWith,
    }

    let is_const_str = |expr: &Expr| {
        matches!(expr, Expr::Const(TypeValue::String { value: Const(_), .. }))
    };

    // Group `matches` and string comparison expressions by their operator kind
    // and target operand hash.
    let mut groups = IndexMap::new();

    for (i, &op) in or_operands.iter().enumerate() {
        let matched = match ctx.ir.get(op) {
            Expr::Matches { lhs, rhs }
                if matches!(
                    ctx.ir.get(*rhs),
                    Expr::Const(TypeValue::Regexp(Some(_)))
                ) =>
            {
                Some((OpKind::Matches, *lhs, *rhs))
            }
            Expr::Eq { lhs, rhs } => {
                if is_const_str(ctx.ir.get(*rhs)) {
                    Some((OpKind::Eq, *lhs, *rhs))
                } else if is_const_str(ctx.ir.get(*lhs)) {
                    Some((OpKind::Eq, *rhs, *lhs))
                } else {
                    None
                }
            }
            Expr::IEquals { lhs, rhs } => {
                if is_const_str(ctx.ir.get(*rhs)) {
                    Some((OpKind::IEquals, *lhs, *rhs))
                } else if is_const_str(ctx.ir.get(*lhs)) {
                    Some((OpKind::IEquals, *rhs, *lhs))
                } else {
                    None
                }
            }
            Expr::Contains { lhs, rhs } if is_const_str(ctx.ir.get(*rhs)) => {
                Some((OpKind::Contains, *lhs, *rhs))
            }
            Expr::IContains { lhs, rhs } if is_const_str(ctx.ir.get(*rhs)) => {
                Some((OpKind::IContains, *lhs, *rhs))
            }
            Expr::StartsWith { lhs, rhs }
                if is_const_str(ctx.ir.get(*rhs)) =>
            {
                Some((OpKind::StartsWith, *lhs, *rhs))
            }
            Expr::IStartsWith { lhs, rhs }
                if is_const_str(ctx.ir.get(*rhs)) =>
            {
                Some((OpKind::IStartsWith, *lhs, *rhs))
            }
            Expr::EndsWith { lhs, rhs } if is_const_str(ctx.ir.get(*rhs)) => {
                Some((OpKind::EndsWith, *lhs, *rhs))
            }
            Expr::IEndsWith { lhs, rhs } if is_const_str(ctx.ir.get(*rhs)) => {
                Some((OpKind::IEndsWith, *lhs, *rhs))
            }
            _ => None,
        };

        if let Some((kind, lhs, rhs)) = matched {
            let mut hasher = FxHasher::default();
            for evt in ctx.ir.dfs_iter(lhs) {
                if let dfs::Event::Enter((_, expr, _)) = evt {
                    Hash::hash(expr, &mut hasher);
                }
            }
            let lhs_expr_hash = hasher.finish();
            groups
                .entry((kind, lhs_expr_hash))
                .or_insert_with(Vec::new)
                .push((i, lhs, rhs));
        }
    }

    let mut final_operands = Vec::new();
    let mut collapsed_indices = FxHashSet::default();

    for ((kind, _), group) in groups {
        if group.len() >= 2 {
            let first_lhs = group[0].1;
            let collapsed_expr = if kind == OpKind::Matches {
                let set_id = RegexSetId::from(ctx.regex_sets.len() as i32);
                let re_ids: Vec<_> = group
                    .iter()
                    .map(|&(_, _, rhs)| {
                        let Expr::Const(TypeValue::Regexp(Some(re))) =
                            ctx.ir.get(rhs)
                        else {
                            unreachable!()
                        };
                        ctx.regex_pool.get_or_intern(re.as_str())
                    })
                    .collect();
                ctx.regex_sets.insert(set_id, re_ids);
                ctx.ir.matches_regex_set(first_lhs, set_id)
            } else {
                let set_id = LiteralSetId::from(ctx.literal_sets.len() as i32);
                let lit_ids: Vec<_> = group
                    .iter()
                    .map(|&(_, _, rhs)| {
                        let Expr::Const(TypeValue::String {
                            value: Const(s),
                            ..
                        }) = ctx.ir.get(rhs)
                        else {
                            unreachable!()
                        };
                        ctx.literal_pool.get_or_intern(s.as_bstr())
                    })
                    .collect();
                ctx.literal_sets.insert(set_id, lit_ids);
                match kind {
                    OpKind::Eq => ctx.ir.eq_many(first_lhs, set_id),
                    OpKind::IEquals => ctx.ir.iequals_many(first_lhs, set_id),
                    OpKind::Contains => {
                        ctx.ir.contains_many(first_lhs, set_id)
                    }
                    OpKind::IContains => {
                        ctx.ir.icontains_many(first_lhs, set_id)
                    }
                    OpKind::StartsWith => {
                        ctx.ir.starts_with_many(first_lhs, set_id)
                    }
                    OpKind::IStartsWith => {
                        ctx.ir.istarts_with_many(first_lhs, set_id)
                    }
                    OpKind::EndsWith => {
                        ctx.ir.ends_with_many(first_lhs, set_id)
                    }
                    OpKind::IEndsWith => {
                        ctx.ir.iends_with_many(first_lhs, set_id)
                    }
                    OpKind::Matches => unreachable!(),
                }
            };

            final_operands.push(collapsed_expr);

            for (i, _, _) in group {
                collapsed_indices.insert(i);
            }
        }
    }

    // Preserve all non-collapsed operands in their original relative order.
    for (i, &op) in or_operands.iter().enumerate() {
        if !collapsed_indices.contains(&i) {
            final_operands.push(op);
        }
    }

    final_operands
}

fn minus_expr_from_ast<'src>(
    ctx: &mut CompileContext<'_, 'src>,
    expr: &ast::UnaryExpr<'src>,
) -> Result<ExprId, CompileError> {
    let operand = expr_from_ast(ctx, &expr.operand)?;

    check_type(
        ctx,
        operand,
        expr.operand.span(),
        &[Type::Integer, Type::Float],
    )?;

    // Negating a constant fails if the result doesn't fit in a signed
    // integer, as in `-(-9223372036854775808)` or `-(0xFFFFFFFFFFFFFFFF)`.
    let minus = ctx.ir.minus(operand).map_err(|err| match err {
        Error::NumberOutOfRange => NumberOutOfRange::build(
            ctx.report_builder,
            i64::MIN,
            i64::MAX,
            ctx.report_builder.span_to_code_loc(expr.span()),
        ),
    })?;

    warn_if_unsigned(ctx, operand, expr.operand.span(), '-');

    Ok(minus)
}

// In additions, subtractions and multiplications, converting a negative
// constant to unsigned doesn't change the result, because these operations
// produce the same bits with signed and unsigned operands. For instance,
// `uint64(0) + -1` is the same as `uint64(0) - 1`. This is not true for
// divisions and remainders, which are checked by `div_check`.
gen_n_ary_operation!(
    add_expr_from_ast,
    add,
    Type::Integer | Type::Float,
    &[(Type::Integer, Type::Float)],
    None,
    None
);

gen_n_ary_operation!(
    sub_expr_from_ast,
    sub,
    Type::Integer | Type::Float,
    &[(Type::Integer, Type::Float)],
    None,
    None
);

gen_n_ary_operation!(
    mul_expr_from_ast,
    mul,
    Type::Integer | Type::Float,
    &[(Type::Integer, Type::Float)],
    None,
    None
);

gen_n_ary_operation!(
    div_expr_from_ast,
    div,
    Type::Integer | Type::Float,
    &[(Type::Integer, Type::Float)],
    None,
    Some(div_check)
);

gen_n_ary_operation!(
    mod_expr_from_ast,
    modulus,
    Type::Integer,
    &[],
    None,
    Some(div_check)
);

gen_unary_op!(
    bitwise_not_expr_from_ast,
    bitwise_not,
    Type::Integer,
    Some(|ctx, operand, span| {
        warn_if_unsigned(ctx, operand, span, '~');
        Ok(())
    })
);

gen_binary_op!(shl_expr_from_ast, shl, Type::Integer, &[], Some(shx_check));
gen_binary_op!(shr_expr_from_ast, shr, Type::Integer, &[], Some(shx_check));

gen_binary_op!(bitwise_or_expr_from_ast, bitwise_or, Type::Integer, &[], None);

gen_binary_op!(
    bitwise_and_expr_from_ast,
    bitwise_and,
    Type::Integer,
    &[],
    None
);

gen_binary_op!(
    bitwise_xor_expr_from_ast,
    bitwise_xor,
    Type::Integer,
    &[],
    None
);

gen_binary_op!(
    eq_expr_from_ast,
    eq,
    // Booleans, integers, floats and strings can be compared.
    Type::Bool | Type::Integer | Type::Float | Type::String,
    // Integers can be compared with floats and booleans.
    &[(Type::Integer, Type::Float), (Type::Integer, Type::Bool)],
    Some(eq_check)
);

gen_binary_op!(
    ne_expr_from_ast,
    ne,
    // Integers, floats and strings can be compared.
    Type::Integer | Type::Float | Type::String,
    // Integers can be compared with floats.
    &[(Type::Integer, Type::Float)],
    None
);

gen_binary_op!(
    gt_expr_from_ast,
    gt,
    // Integers, floats and strings can be compared.
    Type::Integer | Type::Float | Type::String,
    // Integers can be compared with floats.
    &[(Type::Integer, Type::Float)],
    None
);

gen_binary_op!(
    ge_expr_from_ast,
    ge,
    // Integers, floats and strings can be compared.
    Type::Integer | Type::Float | Type::String,
    // Integers can be compared with floats, but strings can be
    // compared only with another string.
    &[(Type::Integer, Type::Float)],
    None
);

gen_binary_op!(
    lt_expr_from_ast,
    lt,
    // Integers, floats and strings can be compared.
    Type::Integer | Type::Float | Type::String,
    // Integers can be compared with floats.
    &[(Type::Integer, Type::Float)],
    None
);

gen_binary_op!(
    le_expr_from_ast,
    le,
    // Integers, floats and strings can be compared.
    Type::Integer | Type::Float | Type::String,
    // Integers can be compared with floats.
    &[(Type::Integer, Type::Float)],
    None
);

gen_string_op!(contains_expr_from_ast, contains);
gen_string_op!(icontains_expr_from_ast, icontains);
gen_string_op!(startswith_expr_from_ast, starts_with);
gen_string_op!(istartswith_expr_from_ast, istarts_with);
gen_string_op!(endswith_expr_from_ast, ends_with);
gen_string_op!(iendswith_expr_from_ast, iends_with);
gen_string_op!(iequals_expr_from_ast, iequals);

/// Checks the operands for the == operation.
fn eq_check(
    ctx: &mut CompileContext,
    lhs: ExprId,
    rhs: ExprId,
    lhs_span: Span,
    rhs_span: Span,
) -> Result<(), CompileError> {
    let lhs = ctx.ir.get(lhs).type_value();
    let rhs = ctx.ir.get(rhs).type_value();

    let check_string_constraints =
        |ctx: &mut CompileContext,
         const_string: Rc<BString>,
         const_string_span: Span,
         constraints: Box<[StringConstraint]>,
         constrained_string_span: Span| {
            for constraint in constraints {
                match constraint {
                    StringConstraint::Uppercase
                        if const_string.chars().any(|c| c.is_lowercase()) =>
                    {
                        let mut warning = UnsatisfiableExpression::build(
                            ctx.report_builder,
                            "this is an uppercase string".to_string(),
                            "this contains lowercase characters".to_string(),
                            ctx.report_builder.span_to_code_loc(
                                constrained_string_span.clone()
                            ),
                            ctx.report_builder.span_to_code_loc(
                                const_string_span.clone()
                            ),
                            Some(
                                "an uppercase string can't be equal to a string containing lowercase characters"
                                    .to_string()),
                        );

                        warning.report_mut().patch(
                            ctx.report_builder
                                .span_to_code_loc(const_string_span.clone()),
                            format!(
                                "\"{}\"",
                                const_string.to_string().to_uppercase()
                            ),
                        );

                        ctx.warnings.add(|| warning);
                        return;
                    }
                    StringConstraint::Lowercase
                        if const_string.chars().any(|c| c.is_uppercase()) =>
                    {
                        let mut warning = UnsatisfiableExpression::build(
                            ctx.report_builder,
                            "this is a lowercase string".to_string(),
                            "this contains uppercase characters".to_string(),
                            ctx.report_builder.span_to_code_loc(
                                constrained_string_span.clone()
                            ),
                            ctx.report_builder.span_to_code_loc(
                                const_string_span.clone()
                            ),
                            Some(
                                "a lowercase string can't be equal to a string containing uppercase characters"
                                    .to_string()),
                        );

                        warning.report_mut().patch(
                            ctx.report_builder
                                .span_to_code_loc(const_string_span.clone()),
                            format!(
                                "\"{}\"",
                                const_string.to_string().to_lowercase()
                            ),
                        );

                        ctx.warnings.add(|| warning);
                        return;
                    }
                    StringConstraint::ExactLength(n)
                        if const_string.len() != n =>
                    {
                        ctx.warnings.add(|| {
                            UnsatisfiableExpression::build(
                                ctx.report_builder,
                                format!("the length of this string is {n}"),
                                format!(
                                    "the length of this string is {}",
                                    const_string.len()
                                ),
                                ctx.report_builder.span_to_code_loc(
                                    constrained_string_span.clone(),
                                ),
                                ctx.report_builder.span_to_code_loc(
                                    const_string_span.clone(),
                                ),
                                None,
                            )
                        });
                        return;
                    }
                    _ => {}
                }
            }
        };

    let check_integer_range =
        |ctx: &mut CompileContext,
         const_integer: i128,
         const_integer_span: Span,
         (min, max): (i128, i128),
         ranged_integer_span: Span| {
            if !(min..=max).contains(&const_integer) {
                ctx.warnings.add(|| {
                    UnsatisfiableExpression::build(
                        ctx.report_builder,
                        format!(
                            "this expression is an integer in the range [{min},{max}]",
                        ),
                        format!(
                            "this integer is outside the range [{min},{max}]",
                        ),
                        ctx.report_builder
                            .span_to_code_loc(ranged_integer_span.clone()),
                        ctx.report_builder
                            .span_to_code_loc(const_integer_span.clone()),
                        None,
                    )
                });
            }
        };

    // Integer constants compared with non-constant integers, whose values
    // are limited to the range of their types. Both the constant and the
    // non-constant integer can be signed or unsigned. Comparisons between
    // two constants are not checked, the range of a constant's type is
    // irrelevant because its value is known.
    if !rhs.is_const()
        && let (Some(const_integer), Some(range)) =
            (lhs.try_as_const_i128(), rhs.integer_range())
    {
        check_integer_range(
            ctx,
            const_integer,
            lhs_span.clone(),
            range,
            rhs_span.clone(),
        );
    } else if !lhs.is_const()
        && let (Some(range), Some(const_integer)) =
            (lhs.integer_range(), rhs.try_as_const_i128())
    {
        check_integer_range(
            ctx,
            const_integer,
            rhs_span.clone(),
            range,
            lhs_span.clone(),
        );
    }

    match (lhs, rhs, lhs_span, rhs_span) {
        (
            TypeValue::String { value: Const(const_string), .. },
            TypeValue::String { constraints: Some(constraints), .. },
            const_string_span,
            constrained_string_span,
        )
        | (
            TypeValue::String { constraints: Some(constraints), .. },
            TypeValue::String { value: Const(const_string), .. },
            constrained_string_span,
            const_string_span,
        ) => check_string_constraints(
            ctx,
            const_string,
            const_string_span,
            constraints,
            constrained_string_span,
        ),
        _ => {}
    };

    Ok(())
}

/// Checks the operands for shift-left and shift-right operations.
fn shx_check(
    ctx: &mut CompileContext,
    _lhs: ExprId,
    rhs: ExprId,
    _lhs_span: Span,
    rhs_span: Span,
) -> Result<(), CompileError> {
    if let Some(value) = ctx.ir.get(rhs).type_value().try_as_const_i128()
        && value < 0
    {
        return Err(UnexpectedNegativeNumber::build(
            ctx.report_builder,
            ctx.report_builder.span_to_code_loc(rhs_span),
        ));
    }
    Ok(())
}

/// Checks the operands for division and remainder operations.
///
/// The operations in an expression like `a \ b \ c` are performed from left
/// to right, and each of them is unsigned if any of the operands involved so
/// far is unsigned. Negative constants that participate in an unsigned
/// operation are converted to unsigned, which changes their values. Those are
/// the right operand of each operation, and the left operand of the first one.
/// Once a float is involved, the remaining operations are performed with
/// floats and no conversion to unsigned takes place.
fn div_check(
    ctx: &mut CompileContext,
    operands: &[ExprId],
    spans: &[Span],
) -> Result<(), CompileError> {
    let unsigned = TypeValue::unknown_unsigned_integer();

    for i in 1..operands.len() {
        let involved = &operands[..=i];

        if involved.iter().any(|op| ctx.ir.get(*op).ty() == Type::Float) {
            break;
        }

        if ctx.ir.is_unsigned_result(involved) {
            let first = if i == 1 { 0 } else { i };
            for (operand, span) in
                iter::zip(&operands[first..=i], &spans[first..=i])
            {
                warn_if_sign_conversion(
                    ctx,
                    *operand,
                    span.clone(),
                    &unsigned,
                );
            }
        }
    }

    Ok(())
}
