"""Querysets whose SQL is written once per process, for the queries every request makes.

On the pages read most (every request's user, an application's page), compiling a query of a
few joins and subqueries costs the ORM more than PostgreSQL takes to answer it. A
`PreparedQuery` compiles its queryset once, built with *placeholders*: integers no row holds,
each standing for a value that changes from one call to the next (a primary key, the person's
company). `get(**values)` puts the values in the placeholders' places among the SQL's
parameters and makes the row into the model and its related rows as the ORM's own
`ModelIterable` does, with the same compiler's description of the columns (`select`,
`klass_info`, `annotation_col_map`) and converters. The tests compare it with the ORM's answer.
"""

from django.db import connections
from django.db.models.query import get_related_populators


class PreparedQuery:
    def __init__(self, queryset, placeholders: dict[str, int], using: str):
        self.model = queryset.model
        self.using = using
        compiler = queryset.query.get_compiler(using)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.places: dict[str, list[int]] = {}
        for name, placeholder in placeholders.items():
            places = [i for i, p in enumerate(params) if type(p) is int and p == placeholder]
            if not places:
                raise ValueError(f"The placeholder of {name!r} is not in the query.")
            self.places[name] = places
        self.compiler = compiler
        klass_info = compiler.klass_info
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model_columns = slice(first, last)
        self.init_list = [f[0].target.attname for f in compiler.select[first:last]]
        self.related_populators = get_related_populators(klass_info, compiler.select, using)
        self.annotation_col_map = compiler.annotation_col_map
        self.converters = compiler.get_converters(
            [column[0] for column in compiler.select[: compiler.col_count]]
        )

    def get(self, **values):
        """The first row with these values in the placeholders' places, None without one."""
        params = list(self.params)
        for name, places in self.places.items():
            for place in places:
                params[place] = values[name]
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if self.converters:
            (row,) = self.compiler.apply_converters([row], self.converters)
        instance = self.model.from_db(self.using, self.init_list, row[self.model_columns])
        for populator in self.related_populators:
            populator.populate(row, instance)
        for name, position in self.annotation_col_map.items():
            setattr(instance, name, row[position])
        return instance
