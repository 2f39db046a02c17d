/*
 * params_cleanup.c - parameters of the cleanup(8) server
 *
 * Only the parameters that cleanup honours today; defaults are Postfix
 * 3.7's, as postconf -d prints them. message_size_limit, mail_name and
 * enable_original_recipient are global (params_global.c).
 */

#include "sysdeps.h"

#include "param.h"
#include "params_cleanup.h"

int	var_duplicate_filter_limit;
char   *var_header_from_format;
int	var_header_size_limit;
int	var_hopcount_limit;

const PARAM_DEF params_cleanup[] = {
    PARAM_INT("duplicate_filter_limit", 1000, &var_duplicate_filter_limit,
	      0, 0),
    PARAM_STR("header_from_format", "standard", &var_header_from_format,
	      1, 0),
    PARAM_INT("header_size_limit", 102400, &var_header_size_limit, 1, 0),
    PARAM_INT("hopcount_limit", 50, &var_hopcount_limit, 1, 0),
    PARAM_END
};
