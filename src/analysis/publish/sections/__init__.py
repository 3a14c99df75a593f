"""Report sections: one module per section, each computing a small result object
(:class:`~analysis.publish.sections.base.Section`) from a context, rendered by a Jinja2
template; :mod:`~analysis.publish.sections.page` puts them in page order."""
