"""
test_readme_recipes.py - the recipes of README_FILES are parsed and tested

Each "# recipe NAME: TARGET" block of a guide (tests/recipes.py) must
have a test named test_recipe_NAME (dashes as underscores) in one of
the tests/test_recipes_*.py files, which installs the recipe with
recipes.apply() and checks what the guide promises. This file checks
the parser and that no recipe is left without its test.
"""

import glob
import os
import re

import pytest

import recipes

HERE = os.path.dirname(os.path.abspath(__file__))

SAMPLE = """Some text.

    # recipe demo-one: main.cf
    relayhost = [mail.example.com]
    mydestination = $myhostname,
        localhost
    # a comment line

    # recipe demo-one: /etc/postfix/virtual
    info@example.com    alice

Back to text.
        # recipe demo-two: master.cf
        submission inet n - n - - smtpd
          -o syslog_name=postfix/submission
End.
"""


def test_parser():
    found = recipes.parse(SAMPLE)
    assert sorted(found) == ["demo-one", "demo-two"]
    assert found["demo-one"]["/etc/postfix/virtual"] == \
        "info@example.com    alice\n"
    settings = recipes.main_cf_settings(found["demo-one"]["main.cf"])
    assert settings == {"relayhost": "[mail.example.com]",
                        "mydestination": "$myhostname, localhost"}
    assert found["demo-two"]["master.cf"] == (
        "submission inet n - n - - smtpd\n"
        "  -o syslog_name=postfix/submission\n")


@pytest.mark.parametrize("bad", [
    "    # recipe x: main.cf\nnot indented\n",
    "    # recipe x: main.cf\n    a = b\n    # recipe x: main.cf\n    c = d\n",
])
def test_parser_refuses(bad):
    with pytest.raises(ValueError):
        recipes.parse(bad)


def recipe_tests():
    names = set()
    for path in glob.glob(os.path.join(HERE, "test_recipes_*.py")):
        with open(path) as f:
            names |= set(re.findall(r"^def test_recipe_(\w+)\(", f.read(),
                                    re.M))
    return names


def test_every_recipe_has_a_test():
    every = recipes.recipes()
    missing = sorted(n for n in every
                     if n.replace("-", "_") not in recipe_tests())
    assert not missing, "recipes without a test: %s" % missing
    # And no test for a recipe that no longer exists.
    stale = sorted(recipe_tests() - {n.replace("-", "_") for n in every})
    assert not stale, "tests of recipes that are gone: %s" % stale
