# R's reference values for generalised linear models with prior weights and an offset, on the colon data the
# project ships (deploy/demo/data/colon_site{1,2,3}.csv, pooled and ordered by id).
#
# Run from the project root, with base R only (stats::glm):
#   Rscript client-sdk/src/test/r/weights_offset_reference.R
# It writes client-sdk/src/test/resources/r-reference/colon_weights_offset.json, which the federated fits are
# tested against (WeightsOffsetReferenceTest). Numbers are written with 17 significant digits.
#
# As the nodes do, a weights or offset variable is a column taken as it is; rows with a missing value in any model
# variable, weight or offset are left out (na.omit), and rows with weight 0 take no part in the fit.

sites <- lapply(1:3, function(s) read.csv(file.path("deploy", "demo", "data", sprintf("colon_site%d.csv", s))))
colon <- do.call(rbind, sites)
colon <- colon[order(colon$id), ]
rownames(colon) <- NULL
colon$rx <- factor(colon$rx, levels = c("Obs", "Lev", "Lev+5FU"))

num <- function(x) {
  if (length(x) != 1) stop("one number expected")
  if (is.na(x)) "null" else if (is.infinite(x)) stop("not finite") else sprintf("%.17g", x)
}
str <- function(x) paste0('"', gsub('"', '\\"', x, fixed = TRUE), '"')
arr <- function(v, f) paste0("[", paste(vapply(v, f, ""), collapse = ", "), "]")
obj <- function(fields, indent) {
  pad <- strrep(" ", indent)
  paste0("{\n", paste0(pad, "  ", str(names(fields)), ": ", unlist(fields), collapse = ",\n"), "\n", pad, "}")
}

models <- list(
  logistic_weights = list(formula = "status ~ rx + sex + age", family = "binomial", weights = "differ", offset = ""),
  logistic_zero_weights = list(formula = "status ~ rx + sex + age", family = "binomial", weights = "obstruct",
    offset = ""),
  poisson_offset = list(formula = "nodes ~ rx + sex + age", family = "poisson", weights = "", offset = "differ"),
  gaussian_weights = list(formula = "time ~ rx + sex + age", family = "gaussian", weights = "differ", offset = ""),
  poisson_offset_no_intercept = list(formula = "nodes ~ rx + age - 1", family = "poisson", weights = "",
    offset = "differ"),
  poisson_weights_offset = list(formula = "nodes ~ rx + sex + age", family = "poisson", weights = "differ",
    offset = "obstruct")
)

fitted <- lapply(models, function(m) {
  args <- list(formula = as.formula(m$formula), family = get(m$family), data = colon)
  if (nzchar(m$weights)) args$weights <- colon[[m$weights]]
  if (nzchar(m$offset)) args$offset <- colon[[m$offset]]
  fit <- do.call(glm, args)
  if (!fit$converged) stop(m$formula, ": did not converge")
  s <- summary(fit)$coefficients
  n <- sum(fit$prior.weights > 0)
  obj(list(
    formula = str(m$formula), family = str(m$family), weights = str(m$weights), offset = str(m$offset),
    terms = arr(rownames(s), str), estimate = arr(unname(s[, 1]), num), std_error = arr(unname(s[, 2]), num),
    deviance = num(fit$deviance), null_deviance = num(fit$null.deviance), aic = num(fit$aic),
    n = num(n), df_residual = num(fit$df.residual), df_null = num(fit$df.null), iterations = num(fit$iter)
  ), 4)
})

json <- obj(list(
  source = str(paste("stats::glm on deploy/demo/data/colon_site{1,2,3}.csv pooled; rx with Obs as the reference",
    "level; written by client-sdk/src/test/r/weights_offset_reference.R")),
  r_version = str(R.version.string),
  models = obj(fitted, 2)
), 0)
out <- file.path("client-sdk", "src", "test", "resources", "r-reference", "colon_weights_offset.json")
writeLines(json, out)
cat("wrote", out, "\n")
